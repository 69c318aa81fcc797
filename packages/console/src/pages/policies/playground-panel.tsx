/**
 * The playground: decide at a decision point for an input pasted as JSON or for a catalog app
 * (whose inputs the server builds), under the active bundle, a stored version or the editor's
 * draft, and see the decision, its messages and the rules that fired. Nothing is stored.
 */
import { useState } from 'react';
import { Button, Group, NumberInput, SegmentedControl, Select, Stack, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { post } from '../../api/client.ts';
import type { FieldError } from '../../api/problem.ts';
import { useSession } from '../../auth/session.tsx';
import { CodeEditor } from '../../components/editor/code-editor.tsx';
import { ProblemAlert } from '../../components/states.tsx';
import { AppSearch } from '../../components/app-search.tsx';
import { toBundleInput, type Draft } from './draft.ts';
import { EvalResultView } from './eval-result.tsx';
import { decisionPoints, type BundleInput, type DecisionPoint, type EvalResult } from './types.ts';

type Source = 'input' | 'app';
type Against = 'active' | 'draft' | 'version';

interface EvalRequest {
  point: DecisionPoint;
  input?: unknown;
  app?: string;
  bundle?: number | BundleInput;
}

const pointHelp: Record<DecisionPoint, string> = {
  admission: 'registering, updating and submitting an app',
  gateway: 'each call through the gateway',
  export: 'data leaving through an export',
  token: 'issuing a token to an app',
};

/** Where JSON.parse stopped, as a line and column for the editor. */
function jsonProblem(text: string): FieldError | null {
  try {
    JSON.parse(text);
    return null;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const lc = /line (\d+) column (\d+)/.exec(message);
    const pos = /position (\d+)/.exec(message);
    let line = 1;
    let column = 1;
    if (lc) [line, column] = [Number(lc[1]), Number(lc[2])];
    else if (pos) {
      const lines = text.slice(0, Number(pos[1])).split('\n');
      [line, column] = [lines.length, lines[lines.length - 1]!.length + 1];
    }
    return { path: 'input', message: `not valid JSON: ${message}`, line, column };
  }
}

export function PlaygroundPanel({ draft }: { draft: Draft | null }) {
  const { may } = useSession();
  const canPickApp = may('apps:read');
  const [source, setSource] = useState<Source>('input');
  const [point, setPoint] = useState<DecisionPoint>('admission');
  const [inputText, setInputText] = useState('{\n  \n}\n');
  const [inputError, setInputError] = useState<FieldError | null>(null);
  const [app, setApp] = useState<string | null>(null);
  const [against, setAgainst] = useState<Against>(draft ? 'draft' : 'active');
  const [version, setVersion] = useState<number | string>('');
  const [formError, setFormError] = useState<string | null>(null);

  const evaluate = useMutation({ mutationFn: (body: EvalRequest) => post<EvalResult>('/api/v1/policy/eval', body) });

  const submit = () => {
    setFormError(null);
    setInputError(null);
    const body: EvalRequest = { point };
    if (source === 'app') {
      if (!app) return setFormError('Choose an app to evaluate, or paste an input instead.');
      body.app = app;
    } else {
      const problem = jsonProblem(inputText);
      if (problem) return setInputError(problem);
      body.input = JSON.parse(inputText) as unknown;
    }
    if (against === 'draft') {
      if (!draft) return setFormError('There is no draft: open the editor first, or evaluate against the active bundle.');
      const out = toBundleInput(draft);
      if (!out.input) return setFormError(`The draft's data file ${out.errors[0]?.path ?? ''} is not valid JSON; correct it in the editor.`);
      body.bundle = out.input;
    } else if (against === 'version') {
      if (typeof version !== 'number' || version < 1) return setFormError('Give the number of a stored version, or evaluate against the active bundle.');
      body.bundle = version;
    }
    evaluate.mutate(body);
  };

  const againstOptions = [
    { value: 'active', label: 'The active bundle' },
    ...(draft ? [{ value: 'draft', label: "The editor's draft" }] : []),
    { value: 'version', label: 'A stored version' },
  ];

  return (
    <Stack gap="md">
      <Title order={3}>Playground</Title>
      <Text size="sm" c="dimmed">
        Evaluate a decision without changing anything: the result, its messages and the rules that produced them.
      </Text>
      <Group align="flex-end" wrap="wrap" gap="sm">
        <Select
          label="Decision point"
          data={decisionPoints.map((p) => ({ value: p, label: `data.trellis.${p} — ${pointHelp[p]}` }))}
          value={point}
          onChange={(v) => v && setPoint(v as DecisionPoint)}
          allowDeselect={false}
          w={{ base: '100%', sm: 460 }}
        />
        <Select label="Evaluate against" data={againstOptions} value={against} onChange={(v) => v && setAgainst(v as Against)} allowDeselect={false} w={{ base: '100%', sm: 240 }} />
        {against === 'version' ? <NumberInput label="Version" min={1} value={version} onChange={setVersion} w={{ base: '100%', sm: 120 }} allowDecimal={false} /> : null}
      </Group>
      {canPickApp ? (
        <SegmentedControl
          aria-label="What to evaluate"
          value={source}
          onChange={(v) => setSource(v as Source)}
          data={[
            { value: 'input', label: 'Paste an input' },
            { value: 'app', label: 'A catalog app' },
          ]}
          w={{ base: '100%', sm: 'auto' }}
        />
      ) : null}
      {source === 'app' && canPickApp ? (
        <AppSearch
          label="App"
          description="Its decision inputs are built from the catalog as governance builds them"
          nothingFound="No app matches; check the spelling, or paste an input instead."
          value={app}
          onChange={setApp}
        />
      ) : (
        <CodeEditor value={inputText} onChange={setInputText} language="json" label="Input document (JSON)" errors={inputError ? [inputError] : []} minHeight={160} maxHeight={360} />
      )}
      {inputError ? (
        <Text c="red" size="sm" role="alert">
          The input is not valid JSON (line {inputError.line}:{inputError.column}); correct it and evaluate again.
        </Text>
      ) : null}
      {formError ? (
        <Text c="red" size="sm" role="alert">
          {formError}
        </Text>
      ) : null}
      <Group>
        <Button onClick={submit} loading={evaluate.isPending}>
          Evaluate
        </Button>
      </Group>
      {evaluate.isError ? <ProblemAlert error={evaluate.error} title="The evaluation was refused" /> : null}
      {evaluate.data ? <EvalResultView result={evaluate.data} multipleInputs={source === 'app'} /> : null}
    </Stack>
  );
}
