/**
 * A problem's field errors at the inputs they name (`value`, `rotation.everyDays`, `ttl_seconds`),
 * schema failures arriving prefixed with `body.`. The data-protection page has the same helper
 * for its forms; both are small enough to keep beside their forms.
 */
import { ApiError } from '../../api/problem.ts';

export function errorAt(error: unknown, ...paths: string[]): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const hits = error.errors.filter((e) => {
    const path = e.path.replace(/^(body|params|querystring)\.?/, '');
    return paths.some((p) => path === p || path.startsWith(`${p}.`));
  });
  return hits.length > 0 ? hits.map((e) => e.message).join('; ') : undefined;
}
