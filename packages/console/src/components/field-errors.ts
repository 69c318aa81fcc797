/**
 * A problem's field errors placed at the inputs they name. The server names fields as paths
 * (`detector.pattern`, `positive[2]`, `items[0].value`), schema failures prefixed with `body.`;
 * each input asks for the paths it shows. Errors no input claims stay in the form's alert.
 * Shared by every form that sends a body the server validates.
 */
import { ApiError, type FieldError } from '../api/problem.ts';

const bare = (path: string) => path.replace(/^(body|params|querystring)\.?/, '');

export function fieldErrors(error: unknown): FieldError[] {
  return error instanceof ApiError ? error.errors.map((e) => ({ ...e, path: bare(e.path) })) : [];
}

const under = (path: string, p: string) => path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`);

/** How an error reads at its input: an item of a one-a-line list is named by its line. */
function atInput(e: FieldError, p: string): string {
  if (e.path === p) return e.message;
  const item = /^\[(\d+)\]$/.exec(e.path.slice(p.length));
  return item ? `line ${Number(item[1]) + 1}: ${e.message}` : `${e.path}: ${e.message}`;
}

/** The messages for one input: errors at `path` itself or anywhere under it. */
export function errorAt(error: unknown, ...paths: string[]): string | undefined {
  const hits = fieldErrors(error).flatMap((e) => {
    const p = paths.find((q) => under(e.path, q));
    return p === undefined ? [] : [atInput(e, p)];
  });
  return hits.length > 0 ? hits.join('; ') : undefined;
}

/** The messages at exactly this path (not under it): a rule about the whole object. */
export function errorExactly(error: unknown, path: string): string | undefined {
  const hits = fieldErrors(error).filter((e) => e.path === path);
  return hits.length > 0 ? hits.map((e) => e.message).join('; ') : undefined;
}

/** The errors no input (of `claimed`) shows, which the form's alert must carry. */
export function unclaimed(error: unknown, claimed: readonly string[]): FieldError[] {
  return fieldErrors(error).filter((e) => !claimed.some((p) => under(e.path, p)));
}
