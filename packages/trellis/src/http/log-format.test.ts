/** The development terminal's log: one short line per request, level words for the rest, nothing below the level. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { createServices } from '../services.ts';
import { loadConfig } from '../config.ts';
import { openSqliteTestDb } from '../../test/databases.ts';
import type { Database } from '../db/database.ts';
import { humanLogLine } from './log-format.ts';

describe('human log lines', () => {
  it('turns a request line into method, path, status and time, and keeps other lines short', () => {
    const time = new Date(2026, 0, 2, 10, 31, 2).getTime();
    expect(humanLogLine(JSON.stringify({ level: 30, time, reqId: 'req-1', method: 'GET', path: '/api/v1/apps', status: 200, responseTime: 3.6, msg: 'request completed' }))).toBe('10:31:02 GET /api/v1/apps 200 4ms');
    expect(humanLogLine(JSON.stringify({ level: 50, time, msg: 'boom', err: { message: 'disk full' } }))).toBe('10:31:02 ERROR boom: disk full');
    expect(humanLogLine('not json\n')).toBe('not json');
    expect(humanLogLine(JSON.stringify({ level: 30, time, msg: 'Server listening at http://127.0.0.1:8080' }))).toBe(''); // the banner says it
  });

  describe('through the app', () => {
    let database: Database;
    beforeAll(async () => {
      database = await openSqliteTestDb();
    });
    afterAll(() => database.close());

    const run = async (logLevel: string) => {
      const lines: string[] = [];
      const services = await createServices(database);
      const config = loadConfig({ logLevel }, { env: {} });
      const { app } = await buildApp({ config, services, logger: true, logFormat: 'human', logWrite: (l) => lines.push(l) });
      await app.inject({ method: 'GET', url: '/healthz' });
      await app.inject({ method: 'GET', url: '/api/v1/apps' });
      await app.close();
      return lines;
    };

    it('prints method, path, status and time per request at info', async () => {
      const lines = await run('info');
      expect(lines).toEqual([expect.stringMatching(/^\d\d:\d\d:\d\d GET \/healthz 200 \d+ms$/), expect.stringMatching(/^\d\d:\d\d:\d\d GET \/api\/v1\/apps 401 \d+ms$/)]);
    });

    it('prints nothing of requests above info', async () => {
      expect(await run('warn')).toEqual([]);
    });

    it('writes one JSON line per request, without headers or query string', async () => {
      const lines: string[] = [];
      const services = await createServices(database);
      const { app } = await buildApp({ config: loadConfig({ logLevel: 'info' }, { env: {} }), services, logger: true, logWrite: (l) => lines.push(l) });
      await app.inject({ method: 'GET', url: '/api/v1/apps?q=jane.doe%40example.com', headers: { authorization: 'Bearer trl_0000000000000000_secretsecretsecret', cookie: 'session=abc' } });
      await app.close();
      const requests = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request completed');
      expect(requests).toHaveLength(1);
      expect(requests[0]).toMatchObject({ level: 30, method: 'GET', path: '/api/v1/apps', status: 401, ip: '127.0.0.1' });
      expect(typeof requests[0]!.responseTime).toBe('number');
      const all = lines.join('\n');
      expect(all).not.toContain('secretsecret');
      expect(all).not.toContain('session=abc');
      expect(all).not.toContain('jane.doe');
    });
  });
});
