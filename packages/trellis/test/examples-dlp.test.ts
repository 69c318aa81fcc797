/**
 * What the README points a newcomer at under examples/dlp works as it says: the detector file
 * passes its own samples and is the one the README shows, and the shipped evaluation sample
 * reads in every format it mixes.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { evaluateDataset, testCustomDetector, type CustomDetectorDefinition } from '@trellis/dlp';

const repo = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

describe('examples/dlp', () => {
  it('employee-badge.yaml passes its samples, and the README shows it', () => {
    const file = parseYaml(readFileSync(repo('examples/dlp/employee-badge.yaml'), 'utf8')) as { detector: CustomDetectorDefinition; positive: string[]; negative: string[] };
    expect(testCustomDetector(file.detector, file)).toMatchObject({ ok: true });
    const readme = readFileSync(repo('README.md'), 'utf8');
    const block = /`examples\/dlp\/employee-badge\.yaml`:\n\n```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    expect((parseYaml(block!) as { detector: unknown }).detector).toEqual(file.detector);
  });

  it('eval-sample.jsonl is read in every format it mixes, all found', async () => {
    const report = await evaluateDataset(repo('examples/dlp/eval-sample.jsonl'));
    expect(report.formats).toEqual({ research: 6, secret: 3 });
    expect(report.total).toMatchObject({ fp: 0, fn: 0 });
    expect(readFileSync(repo('README.md'), 'utf8')).toContain('dlp eval --dataset examples/dlp/eval-sample.jsonl');
  });
});
