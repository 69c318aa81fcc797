/**
 * The manifest version under review, read-only, in YAML as the app page shows it (the server
 * stores it as JSON; the author's comments are not kept).
 */
import { Stack, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, seg } from '../../api/client.ts';
import { Loading, ProblemAlert } from '../../components/states.tsx';
import { toYaml } from '../../components/yaml/to-yaml.ts';
import { YamlView } from '../../components/yaml/yaml-view.tsx';
import type { AppVersion } from './types.ts';

export function ReviewManifest({ app, version }: { app: string; version: number }) {
  const q = useQuery({ queryKey: ['apps', app, 'versions', version], queryFn: () => api<AppVersion>(`/api/v1/apps/${seg(app)}/versions/${seg(version)}`) });
  return (
    <Stack gap={4}>
      <Title order={3}>Manifest (version {version})</Title>
      {q.isPending ? <Loading what="the manifest" /> : q.isError ? <ProblemAlert error={q.error} onRetry={() => void q.refetch()} /> : <YamlView text={toYaml(q.data.manifest)} label={`Manifest of ${app} version ${version}`} maxHeight={420} />}
    </Stack>
  );
}
