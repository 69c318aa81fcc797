/**
 * How the server's log reads on a developer's terminal. Fastify logs JSON lines (pino), which is
 * what log collectors want and what Trellis writes everywhere else; in development mode on a
 * TTY the same lines share the screen with the start banner, so they are turned into one short
 * line per request — `10:31:02 GET /api/v1/apps 200 4ms` — and a level word for anything else.
 * The level filter (TRELLIS_LOG_LEVEL) has already run: a line that reaches here is wanted.
 */

/** pino's numeric levels. */
const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

interface LogLine {
  level?: number;
  time?: number;
  msg?: string;
  req?: { method?: string; url?: string };
  res?: { statusCode?: number };
  responseTime?: number;
  err?: { message?: string };
  reqId?: string;
}

function clock(time: number | undefined): string {
  return new Date(time ?? Date.now()).toTimeString().slice(0, 8);
}

/**
 * One JSON log line → the human line, or '' to print nothing. The "incoming request" line is
 * dropped: the "request completed" one says everything (method, path, status, time). Fastify's
 * completed line has no method or URL of its own, so they are remembered by request id.
 */
export function humanLogLine(json: string, pending: Map<string, { method: string; path: string }>): string {
  let l: LogLine;
  try {
    l = JSON.parse(json) as LogLine;
  } catch {
    return json.trimEnd();
  }
  const level = l.level ?? 30;
  if (l.req && l.msg === 'incoming request') {
    if (l.reqId) pending.set(l.reqId, { method: l.req.method ?? '?', path: (l.req.url ?? '').split('?')[0]! });
    return '';
  }
  if (l.res && typeof l.responseTime === 'number') {
    const req = l.reqId ? pending.get(l.reqId) : undefined;
    if (l.reqId) pending.delete(l.reqId);
    const status = l.res.statusCode ?? 0;
    return `${clock(l.time)} ${req ? `${req.method} ${req.path}` : 'request'} ${status} ${Math.round(l.responseTime)}ms`;
  }
  // The start banner (server.ts) already says where the server listens.
  if (level <= 30 && l.msg?.startsWith('Server listening at ')) return '';
  const word = LEVELS[level] ?? String(level);
  return `${clock(l.time)} ${word} ${l.msg ?? ''}${l.err?.message && l.err.message !== l.msg ? `: ${l.err.message}` : ''}`.trimEnd();
}

/** A stream for Fastify's logger that writes human lines through `write`. */
export function humanLogStream(write: (line: string) => void = (line) => process.stdout.write(line + '\n')): { write(chunk: string): void } {
  const pending = new Map<string, { method: string; path: string }>();
  return {
    write(chunk: string) {
      for (const json of chunk.split('\n')) {
        if (json.trim() === '') continue;
        const line = humanLogLine(json, pending);
        if (line) write(line);
      }
      // A request whose completion was never logged (a dropped socket) must not be kept forever.
      if (pending.size > 10_000) pending.clear();
    },
  };
}
