/**
 * The kill switch (`/kill-switch`, apps:review): choose an app in force, see everything its
 * suspension stops, confirm by typing its name, and read back what happened. Suspended apps can
 * be chosen too, to reinstate them. The chosen app and list live in the address, so a link to
 * /console/kill-switch?app=<name> opens it ready to act.
 */
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { Badge, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notify } from '../../components/notify.ts';
import { useQueryClient } from '@tanstack/react-query';
import { IconAlertOctagon, IconPlayerPlay } from '@tabler/icons-react';
import { PageHeader } from '../../components/page-header.tsx';
import { Empty, Loading, ProblemAlert } from '../../components/states.tsx';
import { Can } from '../../auth/session.tsx';
import { DataFlowMap } from '../app/data-flow-map.tsx';
import { AppPicker, type PickStatus } from './app-picker.tsx';
import { appSearchKey } from '../../components/app-search.tsx';
import { impactKeys, stopFacts, stopLines, useImpact } from './impact.ts';
import { ImpactPanel } from './impact-panel.tsx';
import { Outcome, type Moved } from './outcome.tsx';
import { ReinstateModal } from './reinstate-modal.tsx';
import { SuspendModal } from './suspend-modal.tsx';
import type { TransitionResult } from './types.ts';

export default function KillSwitchPage() {
  const [params, setParams] = useSearchParams();
  const status: PickStatus = params.get('status') === 'suspended' ? 'suspended' : 'approved';
  const name = params.get('app');
  const set = (next: { status?: PickStatus; app?: string | null }) => {
    const p = new URLSearchParams(params);
    const s = next.status ?? status;
    if (s === 'suspended') p.set('status', s);
    else p.delete('status');
    const a = next.app === undefined ? name : next.app;
    if (a) p.set('app', a);
    else p.delete('app');
    setParams(p, { replace: true });
  };
  return (
    <>
      <PageHeader title="Kill switch" description="Stop an app at once: its tokens are voided, its database leases revoked, its gateway calls and exports refused. Reinstate it here when it is safe again." />
      <Stack gap="lg">
        <AppPicker status={status} onStatus={(s) => set({ status: s, app: null })} value={name} onChange={(a) => set({ app: a })} />
        {name ? <Chosen key={name} name={name} onStatus={(s) => set({ status: s })} /> : <Empty title="Choose an app">Search for the app to stop among the apps in force, or switch to suspended apps to reinstate one.</Empty>}
      </Stack>
    </>
  );
}

function Chosen({ name, onStatus }: { name: string; onStatus: (s: PickStatus) => void }) {
  const impact = useImpact(name);
  const queryClient = useQueryClient();
  const [suspendOpen, suspendModal] = useDisclosure(false);
  const [reinstateOpen, reinstateModal] = useDisclosure(false);
  const [moved, setMoved] = useState<Moved | null>(null);

  const done = (result: TransitionResult, leaseIds: string[]) => {
    setMoved({ result, leaseIds });
    suspendModal.close();
    reinstateModal.close();
    notify({
      color: result.to === 'suspended' ? 'red' : 'teal',
      title: result.to === 'suspended' ? `${name} suspended` : `${name} reinstated`,
      message: `Status moved from ${result.from} to ${result.to}.`,
    });
    void queryClient.invalidateQueries({ queryKey: impactKeys.all(name) });
    void queryClient.invalidateQueries({ queryKey: appSearchKey });
    onStatus(result.to === 'suspended' ? 'suspended' : 'approved');
  };

  const app = impact.app;
  if (app.isPending) return <Loading what={name} />;
  if (app.isError) return <ProblemAlert error={app.error} title={`${name} could not be read`} onRetry={() => void app.refetch()} />;
  const a = app.data;
  const facts = stopFacts(impact);
  const lines = stopLines(facts);

  return (
    <Stack gap="md">
      {moved ? <Outcome moved={moved} impact={impact} /> : null}
      <Card withBorder padding="md">
        <Group justify="space-between" wrap="wrap" gap="sm">
          <Stack gap={2}>
            <Title order={3}>{a.title ? `${a.title} (${a.name})` : a.name}</Title>
            <Group gap="xs" wrap="wrap">
              <Badge color={a.status === 'approved' ? 'teal.9' : a.status === 'suspended' ? 'red.9' : 'gray.8'} variant="filled">
                {a.status.replace('_', ' ')}
              </Badge>
              <Text size="sm">owner {a.owner}</Text>
              {a.classification.effective ? <Text size="sm">· {a.classification.effective} data</Text> : null}
              {a.risk ? (
                <Text size="sm">
                  · {a.risk.tier} risk ({a.risk.score}/100)
                </Text>
              ) : null}
              {a.approved_version !== null ? <Text size="sm">· version {a.approved_version} in force</Text> : null}
            </Group>
          </Stack>
          <Can permission="apps:review">
            {a.status === 'approved' ? (
              <Button color="red.9" leftSection={<IconAlertOctagon size={18} />} onClick={suspendModal.open} loading={impact.manifest.isPending}>
                Suspend {a.name}…
              </Button>
            ) : null}
            {a.status === 'suspended' ? (
              <Button leftSection={<IconPlayerPlay size={18} />} onClick={reinstateModal.open}>
                Reinstate {a.name}…
              </Button>
            ) : null}
          </Can>
        </Group>
        <StatusNote status={a.status} inForce={a.approved_version !== null} />
      </Card>

      {a.status === 'approved' || a.status === 'suspended' ? (
        <section aria-labelledby="stops-heading">
          <Title order={3} id="stops-heading" mb="sm">
            {a.status === 'approved' ? 'What stops when it is suspended' : 'What it holds while suspended'}
          </Title>
          <ImpactPanel impact={impact} />
        </section>
      ) : null}

      {impact.manifest.data ? (
        <section aria-labelledby="flows-heading">
          <Title order={3} id="flows-heading" mb="sm">
            Its data flows (version in force)
          </Title>
          <DataFlowMap app={{ ...a, manifest: impact.manifest.data }} />
        </section>
      ) : null}

      <SuspendModal app={a.name} lines={lines} opened={suspendOpen} onClose={suspendModal.close} onDone={(r) => done(r, facts.leases?.items.map((l) => l.id) ?? [])} />
      <ReinstateModal app={a.name} opened={reinstateOpen} onClose={reinstateModal.close} onDone={(r) => done(r, [])} />
    </Stack>
  );
}

/** Why an app that is not in force or suspended has no button here, and what to do instead. */
function StatusNote({ status, inForce }: { status: string; inForce: boolean }) {
  let text: string | null = null;
  if (status === 'pending_review' && inForce)
    text = 'An update of this app waits for review while its approved version stays in force. The lifecycle has no move from pending review to suspended: decide the review (reject it to keep the version in force) or have the owner withdraw the update, then suspend it here.';
  else if (status === 'pending_review' || status === 'draft' || status === 'rejected') text = 'This app has never been in force: it holds no token and no lease, and the gateway refuses it. Nothing to stop.';
  else if (status === 'retired') text = 'This app is retired for good: everything it held has already stopped.';
  return text ? (
    <Text size="sm" mt="sm">
      {text}
    </Text>
  ) : null;
}
