// Writes docs/schemas/trellis-manifest.schema.json from the zod manifest schema, so editors
// and CI can validate trellis.yaml offline. A catalog test fails when the copy is stale.
// Run: npx tsx scripts/generate-manifest-schema.ts
import { writeFileSync, mkdirSync } from 'node:fs';
import { manifestJsonSchema } from '../packages/trellis/src/catalog/schema.ts';

const target = new URL('../docs/schemas/trellis-manifest.schema.json', import.meta.url);
mkdirSync(new URL('.', target), { recursive: true });
writeFileSync(target, JSON.stringify(manifestJsonSchema(), null, 2) + '\n');
process.stdout.write(`wrote ${target.pathname}\n`);
