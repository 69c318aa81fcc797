/**
 * REST routes of the DLP engine: scan text or a JSON record, transform it under a plan for the
 * caller's clearance, test a custom detector before activation, and reveal tokenized or
 * encrypted values (privileged, with a stated reason, audited). Scan responses carry spans and
 * entity names, never the matched values; keyed operators use keys derived from the
 * installation's master key, which never leave the server.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { responses } from '../http/schemas.ts';
import { AppError } from '../errors.ts';
import type { KeyRing } from '../keys/index.ts';
import { hasPermission, requirePrincipal, actorOf } from '../auth/index.ts';
import type { AuditLog } from '../audit/index.ts';
import type { Metrics } from '../observability/index.ts';
import type { DlpError, Finding, PatternDetector } from '@trellis/dlp';
import type { Database } from '../db/database.ts';
import type { DetectorRegistry } from './detector-registry/service.ts';
import { dlpErrors } from './errors.ts';
import { dlpEngine, type DlpEngine } from './engine.ts';

const findingSchema = {
  type: 'object',
  properties: {
    entity: { type: 'string' },
    start: { type: 'integer' },
    end: { type: 'integer' },
    confidence: { type: 'number' },
    detector: { type: 'string' },
    kind: { type: 'string' },
    rule: { type: 'string' },
    path: { type: 'string' },
    tag: { type: 'string' },
    testValue: { type: 'boolean' },
  },
  required: ['entity', 'start', 'end', 'confidence', 'detector'],
};

const scanOptionsProps = {
  entities: { type: 'array', items: { type: 'string', maxLength: 64 }, maxItems: 200 },
  min_confidence: { type: 'number', minimum: 0, maximum: 1 },
  include_test_values: { type: 'boolean' },
  field_tags: { type: 'object', additionalProperties: { type: 'string', maxLength: 100 }, description: 'JSON path → catalog data tag, e.g. {"employees.email": "pii.email"}' },
};

interface ScanBody {
  text?: string;
  record?: unknown;
  entities?: string[];
  min_confidence?: number;
  include_test_values?: boolean;
  field_tags?: Record<string, string>;
}

function scanOptions(b: ScanBody, custom: PatternDetector[]) {
  return {
    // the admins' active custom detectors run beside the built-in ones
    ...(custom.length > 0 ? { extraDetectors: custom } : {}),
    ...(b.entities ? { entities: b.entities } : {}),
    ...(b.min_confidence !== undefined ? { minConfidence: b.min_confidence } : {}),
    ...(b.include_test_values ? { includeTestValues: true } : {}),
    ...(b.field_tags ? { fieldTags: b.field_tags } : {}),
  };
}

function exactlyOne(b: { text?: unknown; record?: unknown }): void {
  if ((b.text === undefined) === (b.record === undefined)) {
    throw new AppError('validation_failed', 'give exactly one of text or record', { errors: [{ path: 'body', message: 'exactly one of text or record is required' }] });
  }
}

function dlpFailure(dlp: DlpEngine, err: unknown): never {
  if (err instanceof dlp.DlpError) throw new AppError('validation_failed', err.message, { errors: [{ path: bodyPathOf(dlp, err), message: err.message }] });
  throw err;
}

/** The part of the request body an engine error is about: a too-deep record names the value
 *  (`$.a.b` in the record is `record.a.b` in the body), anything else the body as a whole. */
function bodyPathOf(dlp: DlpEngine, err: DlpError): string {
  return err instanceof dlp.DlpTooDeepError ? `record${err.path.slice(1)}` : 'body';
}

/** Which reveal item failed, and how. */
class RevealItemError extends Error {
  constructor(
    readonly index: number,
    override readonly cause: DlpError,
  ) {
    super(`item ${index} cannot be revealed`);
  }
}

/**
 * An AES-GCM value that does not authenticate (changed, bound to another entity, or made under
 * another installation's key) is `reveal_failed`, never a 200 with a wrong value. Tokens are
 * format-preserving and cannot authenticate themselves: the start-time key check
 * (keys/installation.ts) is what keeps every replica on the same key for them.
 */
function revealProblem(err: RevealItemError): AppError {
  const errors = [{ path: `items[${err.index}].value`, message: err.cause.message }];
  if (err.cause.code === 'DLP_DECRYPT_FAILED') return dlpErrors.error('reveal_failed', `item ${err.index} cannot be revealed: it does not authenticate under this installation's key`, { errors });
  return new AppError('validation_failed', err.message, { errors });
}

interface RevealItem {
  value: string;
  entity: string;
  operator: 'tokenize' | 'encrypt';
}

/** How many findings of each entity: what the trail keeps of a scan, never the values. */
export function countByEntity(items: readonly { entity: string }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[i.entity] = (out[i.entity] ?? 0) + 1;
  return out;
}

/** Bytes a scan examined: the text, or the record as JSON. */
function scannedBytes(input: unknown): number {
  return Buffer.byteLength(typeof input === 'string' ? input : (JSON.stringify(input) ?? ''));
}

export function dlpRoutes(app: FastifyInstance, deps: { keys: KeyRing; detectors: DetectorRegistry; database: Database; audit: AuditLog; metrics: Metrics }): void {
  const keys = () => ({ hash: deps.keys.derive('dlp.hash'), tokenize: deps.keys.derive('dlp.tokenize'), encrypt: deps.keys.derive('dlp.encrypt') });
  // Who looked for what in how much data, and what was found, by entity; the input and the
  // matched values never reach the trail.
  const audited = (req: FastifyRequest, action: 'dlp.scan' | 'dlp.transform', body: ScanBody, details: Record<string, unknown>) =>
    deps.audit.record({
      class: 'data_security_finding',
      activity: 'read',
      action,
      actor: actorOf(requirePrincipal(req)),
      outcome: 'success',
      srcIp: req.ip,
      details: { input: body.text !== undefined ? 'text' : 'record', ...(body.text !== undefined ? { characters: body.text.length } : {}), ...details },
    });

  app.post<{ Body: ScanBody }>(
    '/api/v1/dlp/scan',
    {
      config: { permission: 'dlp:scan' },
      schema: {
        summary: 'Find sensitive data in text or a JSON record (spans only, never values)',
        tags: ['dlp'],
        body: { type: 'object', additionalProperties: false, properties: { text: { type: 'string' }, record: {}, ...scanOptionsProps } },
        response: responses({
          200: {
            type: 'object',
            properties: {
              findings: { type: 'array', items: findingSchema },
              count: { type: 'integer' },
              test_values_suppressed: { type: 'integer', description: 'documented test values (AKIAIOSFODNN7EXAMPLE, 4111 1111 1111 1111) left out of findings; include_test_values shows them' },
            },
            required: ['findings', 'count', 'test_values_suppressed'],
          },
        }),
      },
    },
    async (req) => {
      exactlyOne(req.body);
      const dlp = await dlpEngine();
      let findings: Finding[];
      let testValuesSuppressed = 0;
      try {
        findings = dlp.scan(req.body.text ?? req.body.record, { ...scanOptions(req.body, deps.detectors.activeDetectors()), onTestValue: () => void testValuesSuppressed++ });
      } catch (err) {
        dlpFailure(dlp, err);
      }
      const entities = countByEntity(findings);
      deps.metrics.dlpScan('api', scannedBytes(req.body.text ?? req.body.record), entities);
      await audited(req, 'dlp.scan', req.body, { count: findings.length, entities });
      return { findings, count: findings.length, test_values_suppressed: testValuesSuppressed };
    },
  );

  app.post<{ Body: ScanBody & { plan: unknown; clearance?: string } }>(
    '/api/v1/dlp/transform',
    {
      config: { permission: 'dlp:transform' },
      schema: {
        summary: 'Mask, redact, hash, tokenize or encrypt sensitive data under a transform plan',
        tags: ['dlp'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['plan'],
          properties: { text: { type: 'string' }, record: {}, plan: { type: 'object' }, clearance: { type: 'string', maxLength: 64 }, ...scanOptionsProps },
        },
        response: responses({
          200: {
            type: 'object',
            properties: {
              value: {},
              applied: { type: 'array', items: { type: 'object', properties: { entity: { type: 'string' }, path: { type: 'string' }, start: { type: 'integer' }, end: { type: 'integer' }, operator: { type: 'string' }, detector: { type: 'string' } } } },
            },
            required: ['value', 'applied'],
          },
        }),
      },
    },
    async (req) => {
      exactlyOne(req.body);
      const principal = requirePrincipal(req);
      // Only roles that may reverse tokens may ask for a privileged clearance's plan branch.
      if (req.body.clearance === 'privileged' && !hasPermission(principal, 'dlp:detokenize')) {
        throw new AppError('forbidden', `role ${principal.role} may not use the privileged clearance`);
      }
      const dlp = await dlpEngine();
      try {
        const input = req.body.text !== undefined ? req.body.text : req.body.record;
        const r = dlp.transform(input, req.body.plan, { ...(req.body.clearance ? { clearance: req.body.clearance } : {}), keys: keys(), scan: scanOptions(req.body, deps.detectors.activeDetectors()) });
        const operators = countByEntity(r.applied.map((a) => ({ entity: a.operator })));
        deps.metrics.dlpScan('api', scannedBytes(input), countByEntity(r.applied));
        await audited(req, 'dlp.transform', req.body, { count: r.applied.length, entities: countByEntity(r.applied), operators, ...(req.body.clearance ? { clearance: req.body.clearance } : {}) });
        return { value: r.value, applied: r.applied };
      } catch (err) {
        dlpFailure(dlp, err);
      }
    },
  );

  app.post<{ Body: { items: RevealItem[]; reason: string } }>(
    '/api/v1/dlp/reveal',
    {
      config: { permission: 'dlp:detokenize' },
      schema: {
        summary: 'Turn tokenized or encrypted values back into the originals (privileged; the reason is audited)',
        tags: ['dlp'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['items', 'reason'],
          properties: {
            items: {
              type: 'array',
              minItems: 1,
              maxItems: 1000,
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['value', 'entity', 'operator'],
                properties: {
                  value: { type: 'string', minLength: 1, maxLength: 10_000 },
                  entity: { type: 'string', minLength: 1, maxLength: 64, description: 'the entity the value was transformed as (it keys the transformation)' },
                  operator: { type: 'string', enum: ['tokenize', 'encrypt'] },
                },
              },
            },
            reason: { type: 'string', minLength: 3, maxLength: 500, description: 'why the originals are needed, e.g. a ticket reference' },
          },
        },
        response: responses({ 200: { type: 'object', properties: { items: { type: 'array', items: { type: 'object', properties: { value: { type: 'string' } }, required: ['value'] } } }, required: ['items'] } }),
      },
    },
    async (req) => {
      const dlp = await dlpEngine();
      const k = keys();
      const entities = countByEntity(req.body.items);
      const facts = { count: req.body.items.length, entities, operators: [...new Set(req.body.items.map((i) => i.operator))].sort(), reason: req.body.reason };
      const record = (outcome: 'success' | 'failure', extra: Record<string, unknown> = {}) =>
        deps.audit.record({ class: 'data_security_finding', activity: 'read', action: 'dlp.reveal', actor: actorOf(requirePrincipal(req)), outcome, srcIp: req.ip, details: { ...facts, ...extra } });
      let values: string[];
      try {
        values = req.body.items.map((item, i) => {
          try {
            return item.operator === 'tokenize' ? dlp.detokenize(item.value, k.tokenize, item.entity) : dlp.decrypt(item.value, k.encrypt, item.entity);
          } catch (err) {
            throw err instanceof dlp.DlpError ? new RevealItemError(i, err) : err;
          }
        });
      } catch (err) {
        if (!(err instanceof RevealItemError)) throw err;
        // A failed attempt is on the record too; the message names the item, never its value.
        await record('failure', { failed_item: err.index, error: err.cause.code });
        throw revealProblem(err);
      }
      // Revealing is the sensitive act itself: it is on the record before any value leaves.
      await record('success');
      return { items: values.map((value) => ({ value })) };
    },
  );

  app.post<{ Body: { detector: unknown; positive?: string[]; negative?: string[] } }>(
    '/api/v1/dlp/detectors/test',
    {
      config: { permission: 'dlp:manage' },
      schema: {
        summary: 'Test a custom detector (RE2 pattern or term list) on samples before activating it',
        tags: ['dlp'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['detector'],
          properties: { detector: { type: 'object' }, positive: { type: 'array', items: { type: 'string', maxLength: 100_000 }, maxItems: 1000 }, negative: { type: 'array', items: { type: 'string', maxLength: 100_000 }, maxItems: 1000 } },
        },
        response: responses({ 200: { type: 'object', additionalProperties: true } }),
      },
    },
    async (req) => {
      const dlp = await dlpEngine();
      try {
        return dlp.testCustomDetector(req.body.detector as Parameters<DlpEngine['testCustomDetector']>[0], { positive: req.body.positive ?? [], negative: req.body.negative ?? [] });
      } catch (err) {
        dlpFailure(dlp, err);
      }
    },
  );
}
