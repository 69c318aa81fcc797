/**
 * Create or edit a custom detector (dlp:manage): an RE2 pattern or a list of terms, with the
 * optional validator, confidence, keywords, context words and tag, and the positive and negative
 * samples it is tested on. "Test" runs it on the samples without saving
 * (`POST /api/v1/dlp/detectors/test`); saving stores a draft, or a new version of an existing
 * detector at the version it was opened at, so one person's edit never silently replaces
 * another's. Each server error is shown at the field it names.
 */
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Drawer, Group, NativeSelect, NumberInput, Radio, SimpleGrid, Stack, Switch, Text, TextInput, Textarea } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { notify } from '../../components/notify.ts';
import { api, post, put, seg } from '../../api/client.ts';
import { Loading, ProblemAlert } from '../../components/states.tsx';
import type { Detector, TestReport } from './types.ts';
import { bodyOf, draftOf, emptyDraft, validatorNames, type DetectorBody, type DetectorDraft } from './detector-draft.ts';
import { errorAt, errorExactly, unclaimed } from '../../components/field-errors.ts';
import { DetectorReport } from './detector-report.tsx';
import { overlayProps } from '../../components/readable-errors.ts';

const claimed = ['detector.id', 'detector.entity', 'detector.pattern', 'detector.terms', 'detector.group', 'detector.validator', 'detector.confidence', 'detector.keywords', 'detector.context', 'detector.tag', 'detector.caseInsensitive', 'positive', 'negative'];

function DetectorForm({ initial, existing, onDone }: { initial: DetectorDraft; existing: Detector | null; onDone: () => void }) {
  const qc = useQueryClient();
  const [d, setD] = useState<DetectorDraft>(initial);
  const [report, setReport] = useState<{ report: TestReport; body: DetectorBody } | null>(existing ? { report: existing.last_test, body: bodyOf(initial) } : null);
  const set = <K extends keyof DetectorDraft>(k: K, v: DetectorDraft[K]) => setD((prev) => ({ ...prev, [k]: v }));

  const test = useMutation({
    mutationFn: (body: DetectorBody) => post<TestReport>('/api/v1/dlp/detectors/test', body).then((r) => ({ report: r, body })),
    onSuccess: setReport,
  });
  const save = useMutation({
    mutationFn: (body: DetectorBody) => (existing ? put<Detector>(`/api/v1/dlp/detectors/${seg(existing.id)}`, { version: existing.version, ...body }) : post<Detector>('/api/v1/dlp/detectors', body)),
    onSuccess: async (saved) => {
      await qc.invalidateQueries({ queryKey: ['dlp', 'detectors'] });
      qc.removeQueries({ queryKey: ['dlp', 'detector', saved.id] });
      notify({ color: 'teal', title: existing ? `Saved ${saved.id}` : `Added ${saved.id} as a draft`, message: `Version ${saved.version}; ${saved.last_test.ok ? 'every sample passes' : 'some samples fail'}.${saved.status === 'draft' ? ' Activate it to run it in scans.' : ''}` });
      onDone();
    },
  });
  // The error shown is the latest action's: a failed test after a failed save, or the other way.
  const failed = save.isError ? save.error : test.isError ? test.error : null;
  const other = failed ? unclaimed(failed, claimed) : [];

  const submit = (e: FormEvent) => {
    e.preventDefault();
    test.reset();
    save.mutate(bodyOf(d));
  };
  const runTest = () => {
    save.reset();
    test.mutate(bodyOf(d));
  };

  return (
    <form onSubmit={submit} aria-label={existing ? `Edit detector ${existing.id}` : 'New detector'}>
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label="Id" description="Lower-case words joined by dashes, e.g. employee-id" required value={d.id} onChange={(e) => set('id', e.currentTarget.value)} disabled={Boolean(existing)} error={errorAt(failed, 'detector.id')} />
          <TextInput label="Entity" description="Upper-case, e.g. EMPLOYEE_ID" required value={d.entity} onChange={(e) => set('entity', e.currentTarget.value.toUpperCase())} error={errorAt(failed, 'detector.entity')} />
        </SimpleGrid>
        <Radio.Group label="Match by" value={d.matchBy} onChange={(v) => set('matchBy', v === 'terms' ? 'terms' : 'pattern')} error={errorExactly(failed, 'detector')}>
          <Group mt={4} gap="lg">
            <Radio value="pattern" label="A pattern (RE2 regular expression)" />
            <Radio value="terms" label="A list of terms" />
          </Group>
        </Radio.Group>
        {d.matchBy === 'pattern' ? (
          <>
            <TextInput label="Pattern" description="RE2 syntax: no look-arounds or back-references, so every pattern runs in linear time" required value={d.pattern} onChange={(e) => set('pattern', e.currentTarget.value)} error={errorAt(failed, 'detector.pattern')} classNames={{ input: 'mono' }} autoComplete="off" spellCheck={false} />
            <Group gap="lg" align="flex-end" wrap="wrap">
              <Switch label="Ignore case" checked={d.caseInsensitive} onChange={(e) => set('caseInsensitive', e.currentTarget.checked)} />
              <NumberInput label="Capture group" description="Optional: the group holding the value" min={1} max={20} value={d.group} onChange={(v) => set('group', v)} error={errorAt(failed, 'detector.group')} w={200} />
            </Group>
          </>
        ) : (
          <Textarea label="Terms" description="One a line; matched as whole words, ignoring case" required autosize minRows={3} maxRows={10} value={d.terms} onChange={(e) => set('terms', e.currentTarget.value)} error={errorAt(failed, 'detector.terms')} />
        )}
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <NativeSelect label="Validator" description="Optional check on each match, e.g. a checksum" data={[{ value: '', label: 'None' }, ...validatorNames.map((v) => ({ value: v, label: v }))]} value={d.validator} onChange={(e) => set('validator', e.currentTarget.value)} error={errorAt(failed, 'detector.validator')} />
          <NumberInput label="Confidence" description="From 0 to 1; default 0.8" min={0} max={1} step={0.05} decimalScale={2} value={d.confidence} onChange={(v) => set('confidence', v)} error={errorAt(failed, 'detector.confidence')} />
          <TextInput label="Keywords" description="Optional, comma-separated: the detector runs only on text holding one" value={d.keywords} onChange={(e) => set('keywords', e.currentTarget.value)} error={errorAt(failed, 'detector.keywords')} />
          <TextInput label="Context words" description="Optional, comma-separated: nearby, they raise confidence" value={d.context} onChange={(e) => set('context', e.currentTarget.value)} error={errorAt(failed, 'detector.context')} />
          <TextInput label="Data tag" description="Optional, e.g. pii.employee_id" value={d.tag} onChange={(e) => set('tag', e.currentTarget.value)} error={errorAt(failed, 'detector.tag')} />
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Textarea label="Positive samples" description="One a line; each must match" autosize minRows={3} maxRows={10} value={d.positive} onChange={(e) => set('positive', e.currentTarget.value)} error={errorAt(failed, 'positive')} />
          <Textarea label="Negative samples" description="One a line; none may match" autosize minRows={3} maxRows={10} value={d.negative} onChange={(e) => set('negative', e.currentTarget.value)} error={errorAt(failed, 'negative')} />
        </SimpleGrid>
        {failed && (other.length > 0 || !errorAt(failed, ...claimed) && !errorExactly(failed, 'detector')) ? <ProblemAlert error={failed} title={save.isError ? 'The detector was not saved' : 'The test did not run'} /> : null}
        <Group gap="xs">
          <Button variant="default" onClick={runTest} loading={test.isPending}>
            Test on the samples
          </Button>
          <Button type="submit" loading={save.isPending}>
            {existing ? 'Save' : 'Save as draft'}
          </Button>
        </Group>
        {existing && existing.status === 'active' ? (
          <Text size="xs" c="dimmed">
            This detector is active: a new definition is saved only if it still passes its samples.
          </Text>
        ) : null}
        {report ? <DetectorReport report={report.report} samples={{ positive: report.body.positive, negative: report.body.negative }} entity={report.body.detector.entity || 'MATCH'} /> : null}
      </Stack>
    </form>
  );
}

function EditExisting({ id, onDone }: { id: string; onDone: () => void }) {
  const q = useQuery({ queryKey: ['dlp', 'detector', id], queryFn: () => api<Detector>(`/api/v1/dlp/detectors/${seg(id)}`), gcTime: 0 });
  if (q.isPending) return <Loading what={`detector ${id}`} />;
  if (q.isError) return <ProblemAlert error={q.error} onRetry={() => void q.refetch()} />;
  return <DetectorForm initial={draftOf(q.data)} existing={q.data} onDone={onDone} />;
}

/** The editor in a drawer: `id` null adds a detector, a string edits that one. */
export function DetectorEditor({ id, onClose }: { id: string | null; onClose: () => void }) {
  const phone = useMediaQuery('(max-width: 48em)');
  return (
    <Drawer {...overlayProps} opened onClose={onClose} position="right" size={phone ? '100%' : 'xl'} title={id ? `Edit detector ${id}` : 'New custom detector'}>
      {id ? <EditExisting id={id} onDone={onClose} /> : <DetectorForm initial={emptyDraft} existing={null} onDone={onClose} />}
    </Drawer>
  );
}
