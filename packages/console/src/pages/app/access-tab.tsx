/**
 * The Access tab: the app's service identity (OAuth client) and its credentials — id, type,
 * when made and by whom, expiry and state; never a secret. The server records no last-use time
 * for a credential, so none is shown. Revoking needs oauth:manage.
 */
import { Badge, Code, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { Can } from '../../auth/session.tsx';
import { Empty, Loading, ProblemAlert } from '../../components/states.tsx';
import { isNoIdentity, useCredentials } from './credentials.ts';
import { Fact, Facts } from './facts.tsx';
import { when } from './format.ts';
import { RevokeCredential } from './revoke-credential.tsx';
import { ScrollTable } from '../../components/scroll-table.tsx';

const credentialColor = { active: 'teal', expiring: 'orange', expired: 'gray' } as const;

export function AccessTab({ name }: { name: string }) {
  const q = useCredentials(name);
  if (q.isPending) return <Loading what="credentials" />;
  if (q.isError) {
    if (isNoIdentity(q.error)) {
      return <Empty title="No service identity yet">The app gets its OAuth client when it is first approved; its owner then adds a credential with the CLI or the API.</Empty>;
    }
    return <ProblemAlert error={q.error} title="The credentials could not be loaded" onRetry={() => void q.refetch()} />;
  }
  const c = q.data;
  return (
    <Stack gap="lg">
      <Facts>
        <Fact label="Client id">
          <Code>{c.client_id}</Code>
        </Fact>
        <Fact label="Client type">{c.client_type}</Fact>
        <Fact label="Client state">
          <Badge color={c.client_status === 'active' ? 'teal' : 'gray'} variant="dot" tt="none">
            {c.client_status}
          </Badge>
        </Fact>
      </Facts>
      <Stack gap="xs">
        <Title order={3}>Credentials</Title>
        {c.items.length === 0 ? (
          <Text size="sm" c="dimmed">
            No credential yet: the owner adds a client secret or public keys with <Code>trellis apps credentials create {name}</Code>.
          </Text>
        ) : (
          <ScrollTable minWidth={720} label={`Credentials of ${name}`}>
            <Table aria-label={`Credentials of ${name}`} striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Id</Table.Th>
                  <Table.Th>Type</Table.Th>
                  <Table.Th>Created</Table.Th>
                  <Table.Th>Expires</Table.Th>
                  <Table.Th>State</Table.Th>
                  <Can permission="oauth:manage">
                    <Table.Th>
                      <VisuallyHidden>Actions</VisuallyHidden>
                    </Table.Th>
                  </Can>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {c.items.map((cred) => (
                  <Table.Tr key={cred.id}>
                    <Table.Td>
                      <Code>{cred.id}</Code>
                      {cred.kids?.length ? (
                        <Text size="xs" c="dimmed">
                          keys: {cred.kids.join(', ')}
                        </Text>
                      ) : null}
                    </Table.Td>
                    <Table.Td>{cred.type === 'client_secret' ? 'client secret' : 'public keys (private_key_jwt)'}</Table.Td>
                    <Table.Td>
                      <Text size="sm">{when(cred.created_at)}</Text>
                      <Text size="xs" c="dimmed">
                        by {cred.created_by}
                      </Text>
                    </Table.Td>
                    <Table.Td>{cred.expires_at ? when(cred.expires_at) : 'does not expire'}</Table.Td>
                    <Table.Td>
                      <Badge color={credentialColor[cred.status]} variant="dot" tt="none">
                        {cred.status}
                      </Badge>
                    </Table.Td>
                    <Can permission="oauth:manage">
                      <Table.Td>{cred.status !== 'expired' ? <RevokeCredential app={name} credential={cred} /> : null}</Table.Td>
                    </Can>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollTable>
        )}
      </Stack>
    </Stack>
  );
}
