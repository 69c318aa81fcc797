/** The published manifest JSON Schema: generated from the zod schema, committed, and strict. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { manifestJsonSchema, manifestSchemaId } from './schema.ts';

describe('manifest JSON Schema', () => {
  const schema = manifestJsonSchema() as { $id: string; $schema: string; required: string[]; additionalProperties: boolean; properties: Record<string, { additionalProperties?: boolean; required?: string[] }> };

  it('is draft 2020-12 with an $id, and strict at every object', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe(manifestSchemaId);
    expect(schema.required).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.metadata!.additionalProperties).toBe(false);
    expect(schema.properties.spec!.required).toEqual(['owner']);
    const text = JSON.stringify(schema);
    // Every object schema closes its properties (records use propertyNames instead).
    const objects = text.match(/"type":"object"/g)!.length;
    const closed = text.match(/"additionalProperties":false/g)!.length + text.match(/"propertyNames"/g)!.length;
    expect(closed).toBe(objects);
  });

  it('matches the committed copy in docs/schemas (run `npx tsx scripts/generate-manifest-schema.ts` when it changes)', () => {
    const committed = JSON.parse(readFileSync(new URL('../../../../docs/schemas/trellis-manifest.schema.json', import.meta.url), 'utf8')) as unknown;
    expect(committed).toEqual(schema);
  });
});
