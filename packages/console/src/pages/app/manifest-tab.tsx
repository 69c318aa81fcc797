/**
 * The Manifest tab: the current manifest as YAML (read-only), every stored version, and a
 * comparison of any two of them.
 */
import { Badge, Code, Divider, Stack, Table, Text, Title } from '@mantine/core';
import { Loading, ProblemAlert } from '../../components/states.tsx';
import { when, who } from './format.ts';
import { useVersions } from './queries.ts';
import { toYaml } from '../../components/yaml/to-yaml.ts';
import { VersionCompare } from './version-compare.tsx';
import { YamlView } from '../../components/yaml/yaml-view.tsx';
import type { AppDetail, AppVersionSummary } from './types.ts';
import { ScrollTable } from '../../components/scroll-table.tsx';

function VersionsTable({ versions, app }: { versions: AppVersionSummary[]; app: AppDetail }) {
  return (
    <ScrollTable minWidth={560} label="Manifest versions">
      <Table aria-label="Manifest versions" striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Version</Table.Th>
            <Table.Th>Stored</Table.Th>
            <Table.Th>By</Table.Th>
            <Table.Th>Digest</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {[...versions].reverse().map((v) => (
            <Table.Tr key={v.version}>
              <Table.Td>
                {v.version}{' '}
                {v.version === app.approved_version ? (
                  <Badge size="sm" color="teal" variant="dot" tt="none">
                    in force
                  </Badge>
                ) : null}
                {v.version === app.version && v.version !== app.approved_version ? (
                  <Badge size="sm" color="gray" variant="dot" tt="none">
                    current
                  </Badge>
                ) : null}
              </Table.Td>
              <Table.Td>{when(v.created_at)}</Table.Td>
              <Table.Td>{who(v.created_by)}</Table.Td>
              <Table.Td>
                <Code title={v.digest}>{v.digest.slice(0, 12)}</Code>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollTable>
  );
}

export function ManifestTab({ app }: { app: AppDetail }) {
  const versions = useVersions(app.name);
  return (
    <Stack gap="lg">
      <Stack gap="xs">
        <Title order={3}>Current manifest (version {app.version})</Title>
        <Text size="xs" c="dimmed">
          As stored: the server keeps manifests as data, so comments and layout from the original trellis.yaml are not shown.
        </Text>
        <YamlView text={toYaml(app.manifest)} label={`Manifest of ${app.name}, version ${app.version}`} />
      </Stack>
      <Divider />
      <Stack gap="xs">
        <Title order={3}>Versions</Title>
        {versions.isPending ? (
          <Loading what="versions" />
        ) : versions.isError ? (
          <ProblemAlert error={versions.error} title="The versions could not be loaded" onRetry={() => void versions.refetch()} />
        ) : (
          <VersionsTable versions={versions.data.items} app={app} />
        )}
      </Stack>
      {versions.data && versions.data.items.length > 0 ? (
        <>
          <Divider />
          <VersionCompare name={app.name} versions={versions.data.items} />
        </>
      ) : null}
    </Stack>
  );
}
