/**
 * Reveal one tokenized or encrypted value (`POST /api/v1/dlp/reveal`, dlp:detokenize). The
 * reason is required and goes on the audit record with the request; the original is shown
 * only after the server has recorded it, and can be hidden again.
 */
import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Code, Group, NativeSelect, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { post } from '../../api/client.ts';
import { ProblemAlert } from '../../components/states.tsx';
import { errorAt, unclaimed } from '../../components/field-errors.ts';

export interface RevealItem {
  value: string;
  entity: string;
  operator: 'tokenize' | 'encrypt';
}

const claimed = ['items', 'reason'];

export function RevealForm({ initial }: { initial?: RevealItem }) {
  const [value, setValue] = useState(initial?.value ?? '');
  const [entity, setEntity] = useState(initial?.entity ?? '');
  const [operator, setOperator] = useState<RevealItem['operator']>(initial?.operator ?? 'tokenize');
  const [reason, setReason] = useState('');
  const [shown, setShown] = useState(true);
  const reveal = useMutation({
    mutationFn: (body: { items: RevealItem[]; reason: string }) => post<{ items: { value: string }[] }>('/api/v1/dlp/reveal', body),
    // The original is sensitive: drop the mutation (and its answer) from the cache once unused.
    gcTime: 0,
    onSuccess: () => setShown(true),
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    reveal.mutate({ items: [{ value: value.trim(), entity: entity.trim(), operator }], reason: reason.trim() });
  };
  const other = reveal.isError ? unclaimed(reveal.error, claimed) : [];

  return (
    <Stack gap="sm">
      <form onSubmit={submit} aria-label="Reveal a value">
        <Stack gap="sm">
          <TextInput label="Token or ciphertext" description="As a transform produced it, e.g. a tokenized card number or enc:v1:…" required value={value} onChange={(e) => setValue(e.currentTarget.value)} error={errorAt(reveal.error, 'items[0].value', 'items')} autoComplete="off" />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label="Type (entity)" description="The type it was transformed as, e.g. CREDIT_CARD" required value={entity} onChange={(e) => setEntity(e.currentTarget.value.toUpperCase())} error={errorAt(reveal.error, 'items[0].entity')} />
            <NativeSelect label="Operator" data={[{ value: 'tokenize', label: 'Tokenize' }, { value: 'encrypt', label: 'Encrypt' }]} value={operator} onChange={(e) => setOperator(e.currentTarget.value as RevealItem['operator'])} />
          </SimpleGrid>
          <TextInput label="Reason" description="Why you need the original; it is kept in the audit trail (e.g. a ticket number)" required value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={errorAt(reveal.error, 'reason')} />
          <Group>
            <Button type="submit" loading={reveal.isPending}>
              Reveal
            </Button>
          </Group>
        </Stack>
      </form>
      {reveal.isError && (other.length > 0 || !errorAt(reveal.error, ...claimed)) ? <ProblemAlert error={reveal.error} title="Could not reveal the value" /> : null}
      {reveal.isSuccess ? (
        <Alert color="orange" title="Original value" role="status">
          {shown ? (
            <Stack gap={6}>
              <Code block data-testid="revealed">
                {reveal.data.items[0]?.value}
              </Code>
              <Text size="xs">This reveal is in the audit trail with your reason.</Text>
              <Group>
                <Button size="xs" variant="default" onClick={() => setShown(false)}>
                  Hide the value
                </Button>
              </Group>
            </Stack>
          ) : (
            <Text size="sm">Hidden. Reveal again to see it.</Text>
          )}
        </Alert>
      ) : null}
    </Stack>
  );
}
