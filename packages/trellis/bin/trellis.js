#!/usr/bin/env node
// The `trellis` command: runs the CLI and exits with its code — except while `serve` is running.
// It runs the JavaScript built into packages/*/dist (scripts/build.mjs; `npm start` builds it)
// when that build matches the sources as they are now; otherwise, with no build or after a
// source changed, it loads the TypeScript sources through tsx's loader, so tests and
// development need no build step. The check is one stat per source file.
import module from 'node:module';
import { isBuildFresh } from '../../../scripts/build.mjs';

let cli = '../src/cli/';
let ext = '.ts';
if (isBuildFresh()) {
  cli = '../dist/cli/';
  ext = '.js';
  // Node 22.1 and later keep V8's compiled code between runs (in the OS temp folder); Node 20
  // has no such cache and skips this.
  module.enableCompileCache?.();
} else {
  const { register } = await import('tsx/esm/api');
  register();
}
const { main } = await import(`${cli}main${ext}`);
const { serveState } = await import(`${cli}serve${ext}`);
const code = await main(process.argv);
if (code !== 0 || !serveState.running) process.exit(code);
