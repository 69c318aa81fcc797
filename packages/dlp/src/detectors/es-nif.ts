/** Spanish DNI/NIF (8 digits + control letter) and NIE (X/Y/Z + 7 digits + control letter). */
import type { PatternDetector } from '../types.ts';
import { esNieValid, esNifValid } from '../validators/es-nif.ts';
import { letterAfterRun, re } from './shared.ts';

export const esNifDetector: PatternDetector = {
  id: 'es-nif',
  entity: 'ES_NIF',
  kind: 'pii',
  tag: 'pii.national_id',
  keywords: [],
  anchor: { kind: 'run', minLength: 7, maxLength: 8, before: 0, after: 3 },
  // the control letter follows the digits (after an optional '-')
  anchorConfidence: letterAfterRun,
  trigger: { minDigits: 7 },
  pattern: re(String.raw`(?<![A-Za-z0-9])\d{7,8}-?[A-Za-z](?![A-Za-z0-9])`),
  baseConfidence: 0.8,
  validate: esNifValid,
  context: ['nif', 'dni', 'documento nacional'],
  description: 'Spanish NIF/DNI',
};

export const esNieDetector: PatternDetector = {
  id: 'es-nie',
  entity: 'ES_NIE',
  kind: 'pii',
  tag: 'pii.national_id',
  keywords: [],
  anchor: { kind: 'run', minLength: 7, maxLength: 7, before: 1, after: 3 },
  // the control letter follows the digits (after an optional '-')
  anchorConfidence: letterAfterRun,
  trigger: { minDigits: 7 },
  pattern: re(String.raw`(?<![A-Za-z0-9])[XYZxyz]\d{7}-?[A-Za-z](?![A-Za-z0-9])`),
  baseConfidence: 0.85,
  validate: esNieValid,
  context: ['nie', 'extranjero'],
  description: 'Spanish NIE',
};
