/**
 * Every command's help speaks the same way: descriptions start lower-case, and the commands a
 * newcomer reaches for first show examples. Read from the real command tree, in process.
 */
import { describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { buildProgram } from '../src/cli/program.ts';

function walk(cmd: Command, path: string[] = []): { path: string; cmd: Command }[] {
  return cmd.commands.flatMap((c) => [{ path: [...path, c.name()].join(' '), cmd: c }, ...walk(c, [...path, c.name()])]);
}

function helpOf(cmd: Command): string {
  let text = '';
  cmd.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
  cmd.outputHelp();
  return text;
}

describe('trellis --help', () => {
  const commands = walk(buildProgram());

  it('describes every command starting lower-case (or with an acronym)', () => {
    const upper = commands.filter(({ cmd }) => /^[A-Z][a-z]/.test(cmd.description())).map(({ path }) => path);
    expect(upper).toEqual([]);
  });

  it.each(['whoami', 'tokens list', 'tokens revoke', 'tokens bootstrap', 'audit export', 'apps show', 'apps update', 'apps import'])('%s shows examples', (name) => {
    const found = commands.find(({ path }) => path === name);
    expect(found, name).toBeDefined();
    expect(helpOf(found!.cmd)).toMatch(/Examples?( \(.*\))?:\n {2}trellis /);
  });
});
