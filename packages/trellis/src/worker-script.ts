/**
 * The URL to start a worker thread from, for a worker module beside the caller: its built
 * JavaScript, or, when running from source (tests, development), a small module that first
 * registers tsx in the worker's own thread (Node 20's workers take no `--import` flag) and then
 * loads the TypeScript.
 */
export function workerScript(callerUrl: string, workerTs: string): URL {
  if (!callerUrl.endsWith('.ts')) return new URL(workerTs.replace(/\.ts$/, '.js'), callerUrl);
  const worker = new URL(workerTs, callerUrl).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `const { register } = await import(${JSON.stringify(tsx)}); register(); await import(${JSON.stringify(worker)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}
