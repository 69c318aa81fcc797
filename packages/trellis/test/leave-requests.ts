/**
 * The golden path's example, as tests use it: the HR connector and the leave-request app from
 * examples/leave-requests/, and the review checklist ticked in full.
 */
import { readFileSync } from 'node:fs';

const examples = new URL('../../../examples/leave-requests/', import.meta.url);

export const connectorYaml = readFileSync(new URL('hr-connector.yaml', examples), 'utf8');
export const appYaml = readFileSync(new URL('trellis.yaml', examples), 'utf8');
/** Headers for a YAML body. */
export const yaml = { 'content-type': 'application/yaml' };
/** Every item of the review checklist, ticked. */
export const allChecked = { classification: true, retention: true, connectors: true, isolation: true, monitoring: true };
