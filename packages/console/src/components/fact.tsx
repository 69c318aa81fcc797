/**
 * A labelled value in a drawer's or card's header ("Status", "Expires"): a small dim label above
 * the value. Laid out by the caller (usually a wrapping Group). Inside a description list, the app
 * page's Facts (dt/dd) serve instead.
 */
import type { ReactNode } from 'react';
import { Stack, Text } from '@mantine/core';

export function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </Stack>
  );
}
