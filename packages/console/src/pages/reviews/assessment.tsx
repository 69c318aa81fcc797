/**
 * What governance found about the app under review: why a person must decide, the policy's
 * messages, how an update widens the approved scope, the classification with the fields behind
 * it, and the risk factors with their points.
 */
import { List, Stack, Table, Text, Title } from '@mantine/core';
import type { ReviewDetail } from './types.ts';

function Messages({ title, items, empty }: { title: string; items: readonly string[]; empty: string }) {
  return (
    <Stack gap={4}>
      <Title order={3}>{title}</Title>
      {items.length === 0 ? (
        <Text size="sm" c="dimmed">
          {empty}
        </Text>
      ) : (
        <List size="sm" spacing={2}>
          {items.map((m, i) => (
            <List.Item key={i}>{m}</List.Item>
          ))}
        </List>
      )}
    </Stack>
  );
}

export function Assessment({ detail }: { detail: ReviewDetail }) {
  const { review, app, widening } = detail;
  const c = app.classification;
  // The app's stored assessment is of its current version; a newer one than the review's is flagged.
  const newer = app.version !== review.version;
  const policy = [...(app.decision && !newer ? app.decision.deny.map((m) => `Denied: ${m}`) : []), ...review.warnings.map((m) => `Warning: ${m}`)];
  return (
    <Stack gap="md">
      <Messages title="Why a person decides" items={review.reasons} empty="No reasons were recorded." />
      <Messages title="Policy messages" items={policy} empty="The admission policy raised no warnings." />
      {widening.length > 0 ? <Messages title="How this update widens the approved scope" items={widening} empty="" /> : null}
      {newer ? (
        <Text size="sm" c="dimmed">
          The app is now at version {app.version}; the classification and risk below are that version’s.
        </Text>
      ) : null}
      <Stack gap={4}>
        <Title order={3}>Classification</Title>
        <Text size="sm">
          Effective {c.effective ?? 'none'} — declared {c.declared ?? 'none'}, detected {c.detected ?? 'none'}
        </Text>
        {c.because.length > 0 ? (
                      <Table aria-label="Fields behind the classification" striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Field</Table.Th>
                  <Table.Th>Tags</Table.Th>
                  <Table.Th>Tier</Table.Th>
                  <Table.Th>Found in</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {c.because.map((b, i) => (
                  <Table.Tr key={i}>
                    <Table.Td ff="monospace">{b.field}</Table.Td>
                    <Table.Td>{b.tags.join(', ')}</Table.Td>
                    <Table.Td>{b.tier}</Table.Td>
                    <Table.Td>{b.source === 'catalog' ? 'field catalog' : 'sample records'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
                  ) : null}
      </Stack>
      <Stack gap={4}>
        <Title order={3}>Risk factors</Title>
        {app.risk ? (
          <>
            <Text size="sm">
              {app.risk.tier} — {app.risk.score}/100
              {app.risk.override ? ` (overridden from ${app.risk.computed_tier}: ${app.risk.override.reason})` : ''}
            </Text>
                          <Table aria-label="Risk factors" striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Factor</Table.Th>
                    <Table.Th>Points</Table.Th>
                    <Table.Th>Why</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {app.risk.factors.map((f) => (
                    <Table.Tr key={f.name}>
                      <Table.Td>{f.name}</Table.Td>
                      <Table.Td>{f.points.toFixed(1)}</Table.Td>
                      <Table.Td>{f.reason}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
                      </>
        ) : (
          <Text size="sm" c="dimmed">
            Not scored yet.
          </Text>
        )}
      </Stack>
    </Stack>
  );
}
