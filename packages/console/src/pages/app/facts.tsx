/** A labelled fact ("Owner: user:jane@…") as a description-list pair, laid out in a responsive grid. */
import type { ReactNode } from 'react';
import { Box, SimpleGrid, Text } from '@mantine/core';

export function Facts({ children }: { children: ReactNode }) {
  return (
    <SimpleGrid component="dl" cols={{ base: 1, xs: 2, md: 4 }} spacing="md" verticalSpacing="xs" m={0}>
      {children}
    </SimpleGrid>
  );
}

export function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Box>
      <Text component="dt" size="xs" c="dimmed" fw={600}>
        {label}
      </Text>
      <Box component="dd" m={0} fz="sm">
        {children}
      </Box>
    </Box>
  );
}
