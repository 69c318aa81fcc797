/** Markdown for docs/errors.md, generated from the error catalogue (core codes and every module's). */
import { problemTypeBase, type ErrorTable } from '../errors.ts';

export function errorCodesMarkdown(catalog: ErrorTable): string {
  const lines = [
    '# Error codes',
    '',
    'Generated from the core codes (`packages/trellis/src/errors.ts`) and each module\'s own (`modules.ts`) by `npm run docs`; a test fails when this file is stale.',
    '',
    'Every error leaves the API as an RFC 9457 problem document (`application/problem+json`):',
    '`type` is `' + problemTypeBase + '<code>`, `code` is the stable code below, `detail` says what',
    'happened, and `errors` lists each invalid field with its `path` (and `line`/`column` for YAML and Rego sources).',
    'Clients branch on `code`, never on the message text.',
    '',
    '| code | HTTP status | title |',
    '| --- | --- | --- |',
  ];
  for (const [code, e] of Object.entries(catalog)) lines.push(`| \`${code}\` | ${e.status} | ${e.title} |`);
  return lines.join('\n') + '\n';
}
