import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { AppError } from './errors.ts';

describe('configuration', () => {
  it('defaults to the embedded database on loopback port 8080', () => {
    expect(loadConfig({}, { env: {} })).toMatchObject({ host: '127.0.0.1', port: 8080, dataDir: '.trellis', databaseUrl: '', dev: true });
  });

  it('applies flags over environment over file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const file = join(dir, 'trellis.config.yaml');
    writeFileSync(file, 'port: 7000\nhost: 127.0.0.2\nlogLevel: warn\n');
    const c = loadConfig({ port: '9000' }, { configFile: file, env: { TRELLIS_PORT: '8000', TRELLIS_HOST: '127.0.0.3' } });
    expect(c).toMatchObject({ port: 9000, host: '127.0.0.3', logLevel: 'warn' });
  });

  it('rejects unknown keys and bad values, naming them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const file = join(dir, 'c.yaml');
    writeFileSync(file, 'prot: 1\nport: 99999\n');
    try {
      loadConfig({}, { configFile: file, env: {} });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      const paths = (e as AppError).errors!.map((x) => x.path + ':' + x.message).join('|');
      expect(paths).toMatch(/port/);
      expect(paths).toMatch(/prot/);
    }
  });
});
