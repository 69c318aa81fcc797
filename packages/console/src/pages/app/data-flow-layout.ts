/**
 * Places the data-flow graph left to right with dagre: sources on the left, the app in the middle,
 * destinations on the right. Kept apart from the React component so the placement is testable and
 * computed once per graph, not on every render.
 */
import dagre from '@dagrejs/dagre';
import type { DataFlowGraph, FlowNodeKind } from './data-flow-graph.ts';

export interface Placed {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Node sizes the component draws with; the layout must know them to keep nodes apart. */
export const nodeSize: Record<FlowNodeKind, { width: number; height: number }> = {
  connector: { width: 180, height: 56 },
  resource: { width: 200, height: 56 },
  field: { width: 190, height: 52 },
  more: { width: 170, height: 52 },
  app: { width: 260, height: 72 },
  export: { width: 240, height: 56 },
  egress: { width: 240, height: 56 },
};

/** Top-left corner and size of every node, by id (React Flow positions nodes by their corner). */
export function layoutDataFlow(graph: DataFlowGraph): Map<string, Placed> {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 18, ranksep: 150, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of graph.nodes) g.setNode(n.id, { ...nodeSize[n.kind] });
  // Edges always point downstream (a write is drawn by its arrowheads, not by reversing the
  // edge), so ranks stay in order: connector, resource, field, app, destination.
  for (const e of graph.edges) g.setEdge(e.source, e.target);
  dagre.layout(g);
  const placed = new Map<string, Placed>();
  for (const n of graph.nodes) {
    const p = g.node(n.id) as { x: number; y: number; width: number; height: number };
    placed.set(n.id, { x: p.x - p.width / 2, y: p.y - p.height / 2, width: p.width, height: p.height });
  }
  return placed;
}
