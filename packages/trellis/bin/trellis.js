#!/usr/bin/env node
// The `trellis` command: loads the TypeScript sources through tsx's loader (no build step),
// runs the CLI and exits with its code — except while `serve` is running.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
const { serveState } = await import('../src/cli/serve.ts');
const code = await main(process.argv);
if (code !== 0 || !serveState.running) process.exit(code);
