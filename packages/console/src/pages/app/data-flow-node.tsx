/**
 * One box of the data-flow map: the node's name, what kind of thing it is, and — for sensitive
 * data — a "sensitive" badge with the tier in words, so the highlight never rests on colour alone.
 */
import { memo } from 'react';
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { Badge, Group, Paper, Text } from '@mantine/core';
import type { FlowNode } from './data-flow-graph.ts';

export type FlowNodeData = { node: FlowNode; width: number; height: number };
export type DataFlowNodeType = Node<FlowNodeData, 'flow'>;

/** Sensitive things are drawn in the same red as sensitive edges (data-flow.css), with a thicker dashed border. */
export const sensitiveColor = 'var(--trellis-sensitive)';

function DataFlowNodeView({ data }: NodeProps<DataFlowNodeType>) {
  const { node, width, height } = data;
  const isApp = node.kind === 'app';
  return (
    <Paper
      withBorder
      p={6}
      w={width}
      h={height}
      bg={isApp ? 'var(--mantine-primary-color-light)' : undefined}
      style={node.sensitive ? { borderColor: sensitiveColor, borderStyle: 'dashed', borderWidth: 2 } : isApp ? { borderColor: 'var(--mantine-primary-color-filled)', borderWidth: 2 } : undefined}
    >
      {/* Handles only anchor edges: nothing may be connected by hand. */}
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <Group gap={4} wrap="nowrap" justify="space-between">
        <Text size="sm" fw={isApp ? 700 : 600} truncate="end" title={node.label}>
          {node.label}
        </Text>
        {node.sensitive ? (
          <Badge size="xs" color="red.9" variant="filled" style={{ flexShrink: 0 }}>
            {node.tier === 'restricted' || node.tier === 'confidential' ? node.tier : 'sensitive'}
          </Badge>
        ) : null}
      </Group>
      <Text size="xs" c="dimmed" truncate="end" title={node.detail}>
        {node.detail}
      </Text>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </Paper>
  );
}

export const DataFlowNode = memo(DataFlowNodeView);
