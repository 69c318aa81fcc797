/**
 * What the dry-run check found: that the manifest is valid, or each error with the place it
 * names (the same errors are drawn in the editor at their line).
 */
import { Alert, Text } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck } from '@tabler/icons-react';
import type { FieldError } from '../../api/problem.ts';
import { FieldErrorList } from '../../components/field-error-list.tsx';

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
      <FieldErrorList errors={errors} label="Manifest errors" whole="manifest" />
      <Text size="sm" c="dimmed" mt={6}>
        Each error is marked at its line in the editor. Fix them and check again.
      </Text>
    </Alert>
  );
}
