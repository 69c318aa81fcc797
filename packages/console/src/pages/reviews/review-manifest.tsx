/** The manifest version under review, read-only, as the server stored it (JSON). */
import { Stack, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, seg } from '../../api/client.ts';
import { CodeEditor } from '../../components/editor/code-editor.tsx';
import { Loading, ProblemAlert } from '../../components/states.tsx';
import type { AppVersion } from './types.ts';

export function ReviewManifest({ app, version }: { app: string; version: number }) {
  const q = useQuery({ queryKey: ['apps', app, 'versions', version], queryFn: () => api<AppVersion>(`/api/v1/apps/${seg(app)}/versions/${seg(version)}`) });
  return (
    <Stack gap={4}>
      <Title order={3}>Manifest (version {version})</Title>
      {q.isPending ? <Loading what="the manifest" /> : q.isError ? <ProblemAlert error={q.error} onRetry={() => void q.refetch()} /> : <CodeEditor value={JSON.stringify(q.data.manifest, null, 2)} language="json" label={`Manifest of ${app} version ${version}`} readOnly minHeight={120} maxHeight={420} />}
    </Stack>
  );
}
