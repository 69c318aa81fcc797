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
  method?: string;
  path?: string;
  status?: number;
  responseTime?: number;
  err?: { message?: string };
  reqId?: string;
}

function clock(time: number | undefined): string {
  return new Date(time ?? Date.now()).toTimeString().slice(0, 8);
}

/** One JSON log line → the human line, or '' to print nothing. A request is one line (request-log.ts). */
export function humanLogLine(json: string): string {
  let l: LogLine;
  try {
    l = JSON.parse(json) as LogLine;
  } catch {
    return json.trimEnd();
  }
  const level = l.level ?? 30;
  if (typeof l.status === 'number' && typeof l.responseTime === 'number') {
    return `${clock(l.time)} ${l.method ?? '?'} ${l.path ?? ''} ${l.status} ${Math.round(l.responseTime)}ms`;
  }
  // The start banner (server.ts) already says where the server listens.
  if (level <= 30 && l.msg?.startsWith('Server listening at ')) return '';
  const word = LEVELS[level] ?? String(level);
  return `${clock(l.time)} ${word} ${l.msg ?? ''}${l.err?.message && l.err.message !== l.msg ? `: ${l.err.message}` : ''}`.trimEnd();
}

/** A stream for Fastify's logger that hands each JSON line, without its newline, to `write`. */
export function jsonLogStream(write: (line: string) => void): { write(chunk: string): void } {
  return {
    write(chunk: string) {
      for (const json of chunk.split('\n')) if (json.trim() !== '') write(json);
    },
  };
}

/** A stream for Fastify's logger that writes human lines through `write`. */
export function humanLogStream(write: (line: string) => void = (line) => process.stdout.write(line + '\n')): { write(chunk: string): void } {
  return jsonLogStream((json) => {
    const line = humanLogLine(json);
    if (line) write(line);
  });
}
