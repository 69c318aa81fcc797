/** The key to the data-flow map: how a sensitive flow is drawn next to a plain one, in words. */
import { Badge, Group, Text } from '@mantine/core';
import { sensitiveColor } from './data-flow-node.tsx';

function Line({ dashed, color }: { dashed: boolean; color: string }) {
  return (
    <svg width="40" height="10" aria-hidden="true" focusable="false">
      <line x1="0" y1="5" x2="40" y2="5" stroke={color} strokeWidth={dashed ? 2.5 : 1.5} strokeDasharray={dashed ? '6 4' : undefined} />
    </svg>
  );
}

export function DataFlowLegend() {
  return (
    <Group gap="lg" wrap="wrap" aria-label="Legend of the data-flow map" role="group">
      <Group gap={6} wrap="nowrap">
        <Line dashed={false} color="var(--mantine-color-gray-6)" />
        <Text size="xs">Data flow (arrow: the way data moves)</Text>
      </Group>
      <Group gap={6} wrap="nowrap">
        <Line dashed color={sensitiveColor} />
        <Text size="xs">Sensitive data: dashed, red, labelled with its tier</Text>
      </Group>
      <Group gap={6} wrap="nowrap">
        <Badge size="xs" color="red.9" variant="filled" style={{ flexShrink: 0 }}>
          restricted
        </Badge>
        <Text size="xs">Sensitive field, export or host (personal or regulated data, or above internal)</Text>
      </Group>
    </Group>
  );
}
