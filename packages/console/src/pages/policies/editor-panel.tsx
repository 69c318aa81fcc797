/**
 * The policy editor: the draft's files one at a time in the code editor (Rego, or a data file as
 * JSON), files added and removed, the draft's tests run without storing anything, and "Save as
 * new version". Compile errors and failing tests come back with their file and line: they are
 * drawn in the editor at that place and listed with the file named. Saving needs policy:write;
 * running tests and trying the draft in the playground need policy:eval.
 */
import { useMemo, useState } from 'react';
import { Alert, Badge, Button, Group, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { notify } from '../../components/notify.ts';
import { post } from '../../api/client.ts';
import { ApiError, errorMessage, type FieldError } from '../../api/problem.ts';
import { Can, useSession } from '../../auth/session.tsx';
import { CodeEditor } from '../../components/editor/code-editor.tsx';
import { fileOfError, isChanged, languageOf, newFileProblem, toBundleInput, type Draft, type DraftFile } from './draft.ts';
import { ProblemsList, type Problems } from './problems-list.tsx';
import { useRefreshPolicy } from './queries.ts';
import { TestResults, type TestSummary } from './test-results.tsx';
import type { BundleDetail, PushResult, TestRun } from './types.ts';

export interface EditorPanelProps {
  draft: Draft;
  onChange: (draft: Draft) => void;
  /** The stored version the draft started from, to tell whether it changed. */
  base: BundleDetail | undefined;
  onReset: () => void;
  /** A version was stored from the draft: the draft now starts from it. */
  onSaved: (version: number) => void;
  /** Open a stored version (to analyse its impact and activate it). */
  onOpenVersion: (version: number) => void;
  onTryInPlayground: () => void;
}

/** A refusal as problems to list; anything else (the network, a 500) as its message alone. */
function problemsOf(err: unknown, fallback: string): Problems {
  if (err instanceof ApiError) return { title: err.title, detail: err.detail, errors: err.errors };
  return { title: fallback, detail: errorMessage(err), errors: [] };
}

export function EditorPanel({ draft, onChange, base, onReset, onSaved, onOpenVersion, onTryInPlayground }: EditorPanelProps) {
  const { may } = useSession();
  const paths = useMemo(() => draft.files.map((f) => f.path), [draft.files]);
  const [selected, setSelected] = useState<string | null>(paths[0] ?? null);
  const [problems, setProblems] = useState<Problems | null>(null);
  const [tests, setTests] = useState<TestSummary | null>(null);
  const [message, setMessage] = useState('');
  const [newPath, setNewPath] = useState('');
  const [newPathError, setNewPathError] = useState<string | null>(null);
  const [saved, setSaved] = useState<number | null>(null);
  const refresh = useRefreshPolicy();
  const file = draft.files.find((f) => f.path === selected) ?? draft.files[0];
  const changed = isChanged(draft, base);

  const byFile = useMemo(() => {
    const m = new Map<string, FieldError[]>();
    for (const e of problems?.errors ?? []) {
      const f = fileOfError(e, paths);
      if (f) m.set(f, [...(m.get(f) ?? []), e]);
    }
    return m;
  }, [problems, paths]);

  /** The draft as a bundle, or null after listing the data files that are not JSON. */
  const bundleOrProblems = () => {
    const out = toBundleInput(draft);
    if (!out.input) {
      setProblems({ title: 'A data file is not valid JSON', errors: out.errors });
      setTests(null);
      return null;
    }
    return out.input;
  };

  const runTests = useMutation({
    mutationFn: (bundle: NonNullable<ReturnType<typeof bundleOrProblems>>) => post<TestRun>('/api/v1/policy/test', { bundle }),
    onMutate: () => setProblems(null),
    onSuccess: (run) => {
      setTests({ subject: 'the draft', results: run.results, budgetExceeded: run.budget_exceeded });
      // Failing tests are placed in their files like compile errors, so the editor marks them too.
      const bad = run.results.filter((r) => r.status !== 'pass');
      if (bad.length > 0) setProblems({ title: `${bad.length} test${bad.length === 1 ? '' : 's'} did not pass`, errors: bad.map((r) => ({ path: r.file, line: r.line, message: `${r.name}: ${r.status === 'fail' ? 'failed' : `error (${r.error ?? 'error'})`}` })) });
    },
    onError: (err) => {
      setTests(null);
      setProblems(problemsOf(err, 'The tests could not be run'));
    },
  });

  const save = useMutation({
    mutationFn: (bundle: NonNullable<ReturnType<typeof bundleOrProblems>>) => post<PushResult>('/api/v1/policy/bundles', { ...bundle, ...(message.trim() ? { message: message.trim() } : {}) }),
    onMutate: () => {
      setProblems(null);
      setSaved(null);
    },
    onSuccess: async (res) => {
      setSaved(res.bundle.version);
      await refresh();
      setTests({ subject: `version ${res.bundle.version}`, results: res.tests.results });
      setMessage('');
      notify({ color: 'teal', title: `Version ${res.bundle.version} stored`, message: `${res.tests.passed} tests passed. It is not active yet: analyse its impact, then activate it.` });
      onSaved(res.bundle.version);
    },
    onError: (err) => {
      setTests(null);
      setProblems(problemsOf(err, 'The version could not be saved'));
    },
  });

  const setText = (text: string) => {
    if (!file) return;
    onChange({ ...draft, files: draft.files.map((f) => (f.path === file.path ? { ...f, text } : f)) });
  };

  const addFile = () => {
    const path = newPath.trim();
    const problem = newFileProblem(path, paths);
    setNewPathError(problem);
    if (problem) return;
    const kind: DraftFile['kind'] = path.endsWith('.rego') ? 'module' : 'data';
    const text = kind === 'module' ? `package ${path.replace(/\.rego$/, '').replace(/\//g, '.').replace(/[^A-Za-z0-9_.]/g, '_')}\n` : '{}\n';
    onChange({ ...draft, files: [...draft.files, { path, kind, text }].sort((a, b) => a.path.localeCompare(b.path)) });
    setSelected(path);
    setNewPath('');
  };

  const removeFile = () => {
    if (!file) return;
    const rest = draft.files.filter((f) => f.path !== file.path);
    onChange({ ...draft, files: rest });
    setSelected(rest[0]?.path ?? null);
  };

  const fileErrors = file ? (byFile.get(file.path) ?? []) : [];
  const options = draft.files.map((f) => {
    const n = byFile.get(f.path)?.length ?? 0;
    return { value: f.path, label: `${f.path}${f.kind === 'data' ? ' (data)' : ''}${n > 0 ? ` — ${n} problem${n === 1 ? '' : 's'}` : ''}` };
  });

  return (
    <Stack gap="md">
      <Group justify="space-between" wrap="wrap" gap="sm">
        <Group gap="xs">
          <Title order={3}>Editor</Title>
          <Badge variant="light" color={changed ? 'yellow' : 'gray'}>
            {changed ? `changed from version ${draft.base ?? '—'}` : `same as version ${draft.base ?? '—'}`}
          </Badge>
        </Group>
        <Button variant="default" onClick={onReset} disabled={!changed}>
          Discard changes
        </Button>
      </Group>
      <Text size="sm" c="dimmed">
        {may('policy:write') ? 'Edit the files, run their tests, then save the draft as a new version. Saving does not activate it.' : 'Edit the files and run their tests or try them in the playground; your role cannot save versions.'}
      </Text>

      <Group align="flex-end" wrap="wrap" gap="sm">
        <Select label="File" data={options} value={file?.path ?? null} onChange={(v) => v && setSelected(v)} allowDeselect={false} searchable w={{ base: '100%', sm: 460 }} />
        <Button variant="subtle" color="red" onClick={removeFile} disabled={!file || draft.files.length <= 1}>
          Remove this file
        </Button>
      </Group>

      {file ? (
        <CodeEditor key={file.path} value={file.text} onChange={setText} language={languageOf(file.path)} label={`Edit ${file.path}`} errors={fileErrors} minHeight={320} maxHeight={560} />
      ) : (
        <Text size="sm">The draft has no files; add one below.</Text>
      )}
      {file?.kind === 'data' ? (
        <Text size="xs" c="dimmed">
          Data files are edited as JSON; {file.path} becomes data.{file.path.split('/').slice(0, -1).join('.') || '(root)'}.
        </Text>
      ) : null}

      <Group align="flex-start" wrap="wrap" gap="sm">
        <TextInput
          label="New file path"
          description="A module (…/name.rego, tests in …_test.rego) or a data file (…/data.json)"
          value={newPath}
          onChange={(e) => setNewPath(e.currentTarget.value)}
          error={newPathError}
          w={{ base: '100%', sm: 420 }}
        />
        <Button variant="default" mt={{ base: 0, sm: 46 }} onClick={addFile}>
          Add file
        </Button>
      </Group>

      {problems ? <ProblemsList problems={problems} paths={paths} onOpen={setSelected} /> : null}

      <Group gap="sm" wrap="wrap" align="flex-end">
        <Can permission="policy:eval">
          <Button
            variant="light"
            loading={runTests.isPending}
            onClick={() => {
              const b = bundleOrProblems();
              if (b) runTests.mutate(b);
            }}
          >
            Run tests
          </Button>
          <Button
            variant="default"
            onClick={() => {
              if (bundleOrProblems()) onTryInPlayground();
            }}
          >
            Try the draft in the playground
          </Button>
        </Can>
      </Group>

      <Can permission="policy:write">
        <Group align="flex-end" wrap="wrap" gap="sm">
          <TextInput label="What changed" placeholder="e.g. block unapproved connectors" value={message} onChange={(e) => setMessage(e.currentTarget.value)} maxLength={1000} w={{ base: '100%', sm: 420 }} />
          <Button
            loading={save.isPending}
            disabled={!changed}
            onClick={() => {
              const b = bundleOrProblems();
              if (b) save.mutate(b);
            }}
          >
            Save as new version
          </Button>
        </Group>
      </Can>

      {saved !== null ? (
        <Alert color="teal" title={`Version ${saved} is stored, not active`}>
          <Stack gap="xs" align="flex-start">
            <Text size="sm">See which apps would change decision under it before anyone activates it.</Text>
            <Button variant="light" onClick={() => onOpenVersion(saved)}>
              Analyse the impact of version {saved}
            </Button>
          </Stack>
        </Alert>
      ) : null}

      {tests ? <TestResults run={tests} onOpenFile={(path) => paths.includes(path) && setSelected(path)} /> : null}
    </Stack>
  );
}
