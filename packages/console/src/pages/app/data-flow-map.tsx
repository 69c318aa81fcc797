/**
 * The data-flow map of one app: connectors → resources → fields on the left, the app in the
 * middle, exports and egress hosts on the right, laid out by dagre and drawn by React Flow.
 * Sensitive flows are red AND dashed AND labelled with their tier; a legend says so, and a
 * collapsible list under the map gives the same flows as text for keyboard and screen readers.
 */
import '@xyflow/react/dist/style.css';
import './data-flow.css';
import { useMemo } from 'react';
import { useQueries } from '@tanstack/react-query';
import { Background, Controls, MarkerType, ReactFlow, type Edge, type NodeTypes } from '@xyflow/react';
import { Box, Stack, Text, useComputedColorScheme } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { api, seg } from '../../api/client.ts';
import { useSession } from '../../auth/session.tsx';
import { Empty } from '../../components/states.tsx';
import { buildDataFlowGraph, manifestSpec, type ConnectorCatalog, type DataFlowGraph } from './data-flow-graph.ts';
import { layoutDataFlow } from './data-flow-layout.ts';
import { DataFlowLegend } from './data-flow-legend.tsx';
import { DataFlowList } from './data-flow-list.tsx';
import { DataFlowNode, sensitiveColor, type DataFlowNodeType } from './data-flow-node.tsx';
import type { AppDetail } from './types.ts';

const nodeTypes: NodeTypes = { flow: DataFlowNode };
const plainColor = 'var(--mantine-color-gray-6)';

/**
 * The field catalogs of the app's connectors, when the role may read them: they add the tags of
 * fields the app's verdict does not list. Without them the map still shows the verdict's tiers.
 */
function useConnectorCatalogs(names: string[]): ConnectorCatalog[] {
  const { may } = useSession();
  return useQueries({
    queries: names.map((name) => ({
      queryKey: ['connector', name],
      queryFn: () => api<{ catalog: ConnectorCatalog }>(`/api/v1/connectors/${seg(name)}`),
      enabled: may('connectors:read'),
      staleTime: 60_000,
    })),
    // A module-level combine is re-run only when a result changes, so the layout is not redone every render.
    combine: catalogsOf,
  });
}

function catalogsOf(results: { data?: { catalog: ConnectorCatalog } | undefined }[]): ConnectorCatalog[] {
  return results.map((r) => r.data?.catalog).filter((c): c is ConnectorCatalog => c !== undefined);
}

function toFlow(graph: DataFlowGraph): { nodes: DataFlowNodeType[]; edges: Edge[] } {
  const at = layoutDataFlow(graph);
  const nodes: DataFlowNodeType[] = graph.nodes.map((n) => {
    const p = at.get(n.id)!;
    return { id: n.id, type: 'flow', position: { x: p.x, y: p.y }, data: { node: n, width: p.width, height: p.height }, ariaLabel: n.ariaLabel, width: p.width, height: p.height, draggable: false, connectable: false };
  });
  const edges: Edge[] = graph.edges.map((e) => {
    const color = e.sensitive ? sensitiveColor : plainColor;
    const marker = { type: MarkerType.ArrowClosed, color, width: 16, height: 16 };
    return {
      id: e.id,
      source: e.source,
      target: e.target,
      ariaLabel: e.ariaLabel,
      focusable: false,
      ...(e.label ? { label: e.label, labelStyle: { fill: color, fontWeight: e.sensitive ? 700 : 400, fontSize: 11 }, labelBgPadding: [4, 2] as [number, number], labelBgBorderRadius: 3 } : {}),
      style: { stroke: color, strokeWidth: e.sensitive ? 2.5 : 1.5, ...(e.sensitive ? { strokeDasharray: '6 4' } : {}) },
      ...(e.direction !== 'backward' ? { markerEnd: marker } : {}),
      ...(e.direction !== 'forward' ? { markerStart: marker } : {}),
    };
  });
  return { nodes, edges };
}

export function DataFlowMap({ app }: { app: AppDetail }) {
  const connectorNames = useMemo(() => manifestSpec(app.manifest).connectors.map((c) => c.name), [app.manifest]);
  const catalogs = useConnectorCatalogs(connectorNames);
  const graph = useMemo(() => buildDataFlowGraph(app, catalogs), [app, catalogs]);
  const flow = useMemo(() => toFlow(graph), [graph]);
  const colorMode = useComputedColorScheme('light');
  const phone = useMediaQuery('(max-width: 48em)');

  if (graph.nodes.length === 1) {
    return <Empty title="No data flows">This app binds no connector and declares no export or egress host. Add them to its manifest (spec.connectors, spec.exports, spec.egress) and they will show here.</Empty>;
  }
  const sensitive = graph.flows.filter((f) => f.sensitive).length;
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        {graph.flows.length} flow{graph.flows.length === 1 ? '' : 's'}, {sensitive} of them sensitive. Drag to pan, scroll or use the buttons to zoom; Tab moves through the boxes.
      </Text>
      <DataFlowLegend />
      <Box
        h={phone ? 380 : 520}
        style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 'var(--mantine-radius-sm)' }}
        role="figure"
        aria-label={`Data-flow map of ${app.name}: ${graph.flows.length} flows, ${sensitive} sensitive. The same flows are listed as text below the map.`}
      >
        <ReactFlow
          nodes={flow.nodes}
          edges={flow.edges}
          nodeTypes={nodeTypes}
          colorMode={colorMode}
          fitView
          // On a phone the whole map would shrink to unreadable boxes: it opens readable, to be panned.
          fitViewOptions={{ padding: 0.1, minZoom: phone ? 0.55 : 0.1 }}
          minZoom={0.1}
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable={false}
          nodesFocusable
          edgesFocusable={false}
          // Scrolling the page over the map should scroll the page; zooming is by pinch, buttons or ctrl+wheel.
          preventScrolling={false}
          zoomOnScroll={false}
        >
          <Background gap={24} size={1} />
          <Controls showInteractive={false} />
        </ReactFlow>
      </Box>
      <DataFlowList flows={graph.flows} />
    </Stack>
  );
}
