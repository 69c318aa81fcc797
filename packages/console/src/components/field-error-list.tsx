/**
 * A problem's field errors as a list, each with the place it names (line and column, or the
 * field's path) before its message: the same errors an editor marks at their line.
 */
import { List, Text } from '@mantine/core';
import { fieldPlace, type FieldError } from '../api/problem.ts';

export function FieldErrorList({ errors, label, whole }: { errors: readonly FieldError[]; label?: string; whole?: string }) {
  return (
    <List size="sm" spacing={2} aria-label={label}>
      {errors.map((e, i) => (
        <List.Item key={i}>
          <Text span ff="monospace" size="sm">
            {/* An error about the whole document names no place; `whole` says what it is about. */}
            {fieldPlace(e) || whole}
          </Text>
          {': '}
          {e.message}
        </List.Item>
      ))}
    </List>
  );
}
