/**
 * Every wide table: it scrolls sideways when the screen is narrower than it (a phone). The scrolling
 * area takes keyboard focus and is named, so a keyboard user can scroll it too.
 */
import type { ReactNode } from 'react';
import { Table } from '@mantine/core';

export function ScrollTable({ minWidth, label, children }: { minWidth: number; label: string; children: ReactNode }) {
  return (
    <Table.ScrollContainer minWidth={minWidth} scrollAreaProps={{ viewportProps: { tabIndex: 0, role: 'region', 'aria-label': label } }}>
      {children}
    </Table.ScrollContainer>
  );
}
