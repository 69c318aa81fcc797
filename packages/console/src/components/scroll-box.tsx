/**
 * A horizontally scrolling area for a wide table or diff on a narrow screen. Its viewport is a
 * named, focusable region, so a keyboard user can scroll it too (axe: scrollable-region-focusable).
 */
import type { ReactNode } from 'react';
import { ScrollArea } from '@mantine/core';

export function ScrollBox({ label, children }: { label: string; children: ReactNode }) {
  return (
    <ScrollArea type="auto" offsetScrollbars viewportProps={{ tabIndex: 0, role: 'region', 'aria-label': label }}>
      {children}
    </ScrollArea>
  );
}
