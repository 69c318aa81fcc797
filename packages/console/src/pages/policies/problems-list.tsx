/**
 * Why the draft was refused, as a list that names each file with the line and column, each a
 * button that opens the file there; problems that name no file are listed as they came.
 */
import { Alert, Button, List, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import type { FieldError } from '../../api/problem.ts';
import { fileOfError } from './draft.ts';

export interface Problems {
  title: string;
  detail?: string | undefined;
  errors: FieldError[];
}

const place = (e: FieldError) => (e.line !== undefined ? `line ${e.line}${e.column !== undefined ? `:${e.column}` : ''}` : '');

export function ProblemsList({ problems, paths, onOpen }: { problems: Problems; paths: readonly string[]; onOpen: (path: string) => void }) {
  return (
    <Alert color="red" icon={<IconAlertTriangle size={18} />} title={problems.title} role="alert">
      <Stack gap={6}>
        {problems.detail ? <Text size="sm">{problems.detail}</Text> : null}
        {problems.errors.length > 0 ? (
          <List size="sm" spacing={4} aria-label="Problems by file">
            {problems.errors.map((e, i) => {
              const file = fileOfError(e, paths);
              const where = [file ?? e.path, place(e)].filter(Boolean).join(' ');
              return (
                <List.Item key={i}>
                  {file ? (
                    <Button variant="subtle" color="red" size="compact-sm" onClick={() => onOpen(file)}>
                      {where}
                    </Button>
                  ) : (
                    <Text span ff="monospace" size="sm">
                      {where || 'bundle'}
                    </Text>
                  )}{' '}
                  {e.message}
                </List.Item>
              );
            })}
          </List>
        ) : null}
        <Text size="sm" c="dimmed">
          Correct the places named above (each opens its file, marked at the line), then try again.
        </Text>
      </Stack>
    </Alert>
  );
}
