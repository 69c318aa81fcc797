/**
 * Register an app (/register, apps:write): a manifest pasted, uploaded or written by the
 * template form goes into the YAML editor; Check runs the server's dry run and marks each error
 * at its line; Register submits it, and on success the app's page opens with what governance
 * decided (status, classification, risk, policy messages) in a notification.
 */
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { Grid, Paper } from '@mantine/core';
import { notify } from '../../components/notify.ts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, post, seg } from '../../api/client.ts';
import type { FieldError } from '../../api/problem.ts';
import { useSession } from '../../auth/session.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { ManifestForm } from './manifest-form.tsx';
import { emptyForm, manifestYaml, ownerOf, type ManifestForm as FormValues } from './manifest-form-model.ts';
import { ManifestPanel } from './manifest-panel.tsx';
import { OutcomeMessage, outcomeColor, outcomeTitle } from './registration-outcome.tsx';
import type { RegisteredApp, ValidateResult } from './types.ts';

export default function RegisterPage() {
  const { me } = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [form, setForm] = useState<FormValues>(() => emptyForm(ownerOf(me?.subject)));
  const [yaml, setYaml] = useState(() => manifestYaml(form));
  const [check, setCheck] = useState<{ valid: boolean; errors: FieldError[] } | null>(null);

  const validate = useMutation({
    mutationFn: (text: string) => post<ValidateResult>('/api/v1/apps/validate', { manifest: text }),
    onSuccess: (r) => setCheck({ valid: r.valid, errors: r.errors }),
  });

  const register = useMutation({
    mutationFn: (text: string) => api<RegisteredApp>('/api/v1/apps', { method: 'POST', body: text, contentType: 'application/yaml' }),
    onSuccess: async (app) => {
      await Promise.all([queryClient.invalidateQueries({ queryKey: ['apps'] }), queryClient.invalidateQueries({ queryKey: ['reviews'] })]);
      notify({ title: outcomeTitle(app), message: <OutcomeMessage app={app} />, color: outcomeColor(app), autoClose: 20_000 });
      void navigate(`/apps/${seg(app.name)}`);
    },
  });

  // A new text makes the last answers stale; the errors stay drawn until the next check.
  const edit = (text: string) => {
    setYaml(text);
    if (check?.valid) setCheck(null);
    if (register.isError) register.reset();
  };

  const fromForm = (next: FormValues) => {
    setForm(next);
    edit(manifestYaml(next));
  };

  return (
    <>
      <PageHeader title="Register an app" description="Describe the app in a manifest: who owns it, what data it reads and where data goes. Governance classifies it, scores its risk and decides: approved, queued for review or rejected." />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <ManifestPanel
            yaml={yaml}
            onYaml={edit}
            onCheck={() => {
              register.reset();
              validate.mutate(yaml);
            }}
            onRegister={() => register.mutate(yaml)}
            checking={validate.isPending}
            registering={register.isPending}
            check={validate.isError ? null : check}
            registerError={register.error ?? (validate.isError ? validate.error : null)}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Paper withBorder p="md">
            <ManifestForm value={form} onChange={fromForm} />
          </Paper>
        </Grid.Col>
      </Grid>
    </>
  );
}
