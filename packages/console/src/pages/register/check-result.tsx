/**
 * What the dry-run check found: that the manifest is valid, or each error with the place it
 * names (the same errors are drawn in the editor at their line).
 */
import { Alert, List, Text } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck } from '@tabler/icons-react';
import { fieldPlace, type FieldError } from '../../api/problem.ts';

export function ErrorList({ errors }: { errors: readonly FieldError[] }) {
  return (
    <List size="sm" spacing={2} aria-label="Manifest errors">
      {errors.map((e, i) => (
        <List.Item key={i}>
          <Text span ff="monospace" size="sm">
            {fieldPlace(e) || 'manifest'}
          </Text>
          {': '}
          {e.message}
        </List.Item>
      ))}
    </List>
  );
}

export function CheckResult({ valid, errors }: { valid: boolean; errors: readonly FieldError[] }) {
  if (valid) {
    return (
      <Alert color="teal" icon={<IconCircleCheck size={18} />} title="The manifest is valid" role="status">
        Register it to have it classified, scored and decided by the admission policy.
      </Alert>
    );
  }
  return (
    <Alert color="red" icon={<IconAlertTriangle size={18} />} title={`The manifest has ${errors.length} ${errors.length === 1 ? 'error' : 'errors'}`} role="alert">
      <ErrorList errors={errors} />
      <Text size="sm" c="dimmed" mt={6}>
        Each error is marked at its line in the editor. Fix them and check again.
      </Text>
    </Alert>
  );
}
