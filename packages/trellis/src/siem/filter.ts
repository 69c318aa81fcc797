/**
 * Which sealed events a sink takes. Applied by the worker to each batch it reads: events a sink
 * does not take still move its cursor, they are simply not handed to the transport.
 */
import type { OcsfEvent } from '../audit/index.ts';
import type { SinkFilter } from './schema.ts';

function actionMatches(pattern: string, action: string): boolean {
  return pattern === action || (pattern.endsWith('.*') && action.startsWith(pattern.slice(0, -1)));
}

/** Whether `event` passes every condition the filter gives (an empty filter takes everything). */
export function sinkTakes(filter: SinkFilter, event: OcsfEvent): boolean {
  if (filter.class_uids && !filter.class_uids.includes(event.class_uid)) return false;
  if (filter.min_severity_id !== undefined && event.severity_id < filter.min_severity_id) return false;
  if (filter.apps) {
    const apps = filter.apps;
    if (!event.resources.some((r) => r.type === 'app' && apps.includes(r.uid))) return false;
  }
  if (filter.actions && !filter.actions.some((p) => actionMatches(p, event.api.operation))) return false;
  return true;
}
