/**
 * What the text becomes under one operator (mask, replace, redact, hash, tokenize, encrypt),
 * from `POST /api/v1/dlp/transform` with a plan whose default is that operator. The transform
 * is audited on the server, so it runs once per text and operator, not on every keystroke.
 * Tokens and ciphertexts can be revealed from here by roles holding dlp:detokenize.
 */
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Box, Button, Group, NativeSelect, Stack, Table, Text, Title } from '@mantine/core';
import { post } from '../../api/client.ts';
import { Loading, ProblemAlert } from '../../components/states.tsx';
import { useSession } from '../../auth/session.tsx';
import type { OperatorType, TransformResult } from './types.ts';
import { transformedPieces, type TransformedPiece } from './spans.ts';
import { RevealModal } from './reveal-modal.tsx';
import { ScrollTable } from '../../components/scroll-table.tsx';

const operators: { value: OperatorType; label: string }[] = [
  { value: 'mask', label: 'Mask (keep the last 4 characters)' },
  { value: 'replace', label: 'Replace with the type name' },
  { value: 'redact', label: 'Redact (remove)' },
  { value: 'hash', label: 'Hash (keyed, 16 hex characters)' },
  { value: 'tokenize', label: 'Tokenize (reversible, same format)' },
  { value: 'encrypt', label: 'Encrypt (reversible)' },
];

function planFor(op: OperatorType): Record<string, unknown> {
  if (op === 'mask') return { default: { type: 'mask', keepLast: 4 } };
  if (op === 'hash') return { default: { type: 'hash', length: 16 } };
  return { default: { type: op } };
}

export function TransformPreview({ text }: { text: string }) {
  const { may } = useSession();
  const [operator, setOperator] = useState<OperatorType>('mask');
  const [revealing, setRevealing] = useState<TransformedPiece | null>(null);
  const result = useQuery({
    queryKey: ['dlp', 'transform', operator, text],
    queryFn: () => post<TransformResult>('/api/v1/dlp/transform', { text, plan: planFor(operator) }),
    staleTime: Infinity,
    // The text may be sensitive: keep it in memory no longer than the page shows it.
    gcTime: 0,
  });
  const reversible = operator === 'tokenize' || operator === 'encrypt';
  const tokens = reversible && result.data ? transformedPieces(text, result.data.value, result.data.applied, operator) : null;
  const canReveal = may('dlp:detokenize');

  return (
    <Stack gap="xs">
      <Title order={3} size="h4">
        Transform preview
      </Title>
      <NativeSelect label="Operator" data={operators} value={operator} onChange={(e) => setOperator(e.currentTarget.value as OperatorType)} maw={420} />
      {result.isPending ? (
        <Loading what="the transformed text" />
      ) : result.isError ? (
        <ProblemAlert error={result.error} title="No transform preview" onRetry={() => void result.refetch()} />
      ) : (
        <>
          <Box component="figure" m={0} aria-label="Transformed text">
            <Text component="pre" className="dp-preview" size="sm" m={0} p="sm" data-testid="transformed" tabIndex={0}>
              {result.data.value}
            </Text>
          </Box>
          <Text size="sm" c="dimmed">
            {result.data.applied.length === 0 ? 'Nothing was changed: the scan found nothing to transform.' : `${result.data.applied.length} value${result.data.applied.length === 1 ? '' : 's'} transformed.`}
          </Text>
        </>
      )}
      {tokens && tokens.length > 0 ? (
        <ScrollTable minWidth={480} label={operator === 'tokenize' ? 'Tokens' : 'Ciphertexts'}>
          <Table aria-label={operator === 'tokenize' ? 'Tokens' : 'Ciphertexts'}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Type</Table.Th>
                <Table.Th>{operator === 'tokenize' ? 'Token' : 'Ciphertext'}</Table.Th>
                {canReveal ? <Table.Th>Action</Table.Th> : null}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {tokens.map((t) => (
                <Table.Tr key={t.start}>
                  <Table.Td>{t.entity}</Table.Td>
                  <Table.Td className="mono" style={{ wordBreak: 'break-all' }}>
                    {t.value}
                  </Table.Td>
                  {canReveal ? (
                    <Table.Td>
                      <Group gap="xs">
                        <Button size="xs" variant="light" onClick={() => setRevealing(t)} aria-label={`Reveal the ${t.entity} at character ${t.start}`}>
                          Reveal
                        </Button>
                      </Group>
                    </Table.Td>
                  ) : null}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      ) : null}
      {revealing && reversible ? <RevealModal item={{ value: revealing.value, entity: revealing.entity, operator }} onClose={() => setRevealing(null)} /> : null}
    </Stack>
  );
}
