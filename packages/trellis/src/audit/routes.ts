/** REST routes of the audit trail: search, head, verify, export (JSONL). */
import type { FastifyInstance } from 'fastify';
import { Readable } from 'node:stream';
import { AppError } from '../errors.ts';
import { responses } from '../http/schemas.ts';
import type { AuditLog } from './service.ts';
import type { AuditLedger } from './ledger/service.ts';
import { ledgerVerdictSchema } from './ledger/routes.ts';

const recordSchema = {
  type: 'object',
  properties: { seq: { type: 'integer' }, prev_hash: { type: 'string' }, hash: { type: 'string' }, event: { type: 'object', additionalProperties: true } },
  required: ['seq', 'prev_hash', 'hash', 'event'],
};

const verifySchema = {
  type: 'object',
  properties: {
    ok: { type: 'boolean' },
    count: { type: 'integer' },
    firstSeq: { type: ['integer', 'null'] },
    lastSeq: { type: ['integer', 'null'] },
    head: { type: 'string' },
    broken: { type: 'object', properties: { seq: { type: 'integer' }, reason: { type: 'string' }, message: { type: 'string' } } },
    problems: {
      type: 'array',
      description: 'rows whose columns disagree with their event, that fail their MAC, or that are outside the chain (first 100)',
      items: {
        type: 'object',
        properties: { id: { type: 'integer' }, seq: { type: ['integer', 'null'] }, reason: { type: 'string' }, columns: { type: 'array', items: { type: 'string' } }, message: { type: 'string' } },
        required: ['id', 'seq', 'reason', 'message'],
      },
    },
    problemCount: { type: 'integer' },
    macChecked: { type: 'boolean' },
    ledger: ledgerVerdictSchema,
    pruned: { type: 'integer', description: 'rows whose content retention removed, linked by their stored hashes' },
  },
  required: ['ok', 'count', 'head', 'problems', 'problemCount'],
};

interface EventsQuery {
  actor?: string;
  action?: string;
  resource_type?: string;
  resource_id?: string;
  class_uid?: number;
  app?: string;
  outcome?: 'success' | 'failure';
  since?: string;
  until?: string;
  after?: number;
  order?: 'asc' | 'desc';
  limit?: number;
}

export function auditRoutes(app: FastifyInstance, deps: { audit: AuditLog; auditLedger: AuditLedger }): void {
  const { audit, auditLedger } = deps;

  /** A `from_seq` must name an event of the chain: past its end is a clear 404, not an empty answer. */
  const startingAt = async (fromSeq: number | undefined): Promise<{ fromSeq?: number }> => {
    if (fromSeq === undefined) return {};
    const head = await audit.head();
    if (fromSeq > head.seq) {
      const message = head.seq === 0 ? `no event ${fromSeq}: the trail is empty` : `no event ${fromSeq}: the trail ends at event ${head.seq}`;
      throw new AppError('not_found', message, { errors: [{ path: 'from_seq', message }] });
    }
    return { fromSeq };
  };

  app.get<{ Querystring: EventsQuery }>(
    '/api/v1/audit/events',
    {
      config: { permission: 'audit:read' },
      schema: {
        summary: 'Search the audit trail',
        tags: ['audit'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            actor: { type: 'string', maxLength: 200 },
            action: { type: 'string', maxLength: 200 },
            resource_type: { type: 'string', maxLength: 100 },
            resource_id: { type: 'string', maxLength: 200 },
            class_uid: { type: 'integer', minimum: 0, maximum: 999999, description: 'OCSF class uid, e.g. 6003 API Activity, 6005 Datastore Activity' },
            app: { type: 'string', minLength: 1, maxLength: 63, description: "events about this app: its first resource of type app (gateway calls name the app after the connector)" },
            outcome: { type: 'string', enum: ['success', 'failure'] },
            since: { type: 'string', format: 'date-time' },
            until: { type: 'string', format: 'date-time' },
            after: { type: 'integer', minimum: 0, description: 'cursor: events after this sequence number (before it with order=desc)' },
            order: { type: 'string', enum: ['asc', 'desc'], default: 'asc' },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          },
        },
        response: responses({ 200: { type: 'object', properties: { items: { type: 'array', items: recordSchema }, next_cursor: { type: ['integer', 'null'] } }, required: ['items', 'next_cursor'] } }),
      },
    },
    async (req) => {
      const q = req.query;
      const limit = q.limit ?? 100;
      const items = await audit.list({
        ...(q.actor ? { actor: q.actor } : {}),
        ...(q.action ? { action: q.action } : {}),
        ...(q.resource_type ? { resourceType: q.resource_type } : {}),
        ...(q.resource_id ? { resourceId: q.resource_id } : {}),
        ...(q.class_uid !== undefined ? { classUid: q.class_uid } : {}),
        ...(q.app ? { app: q.app } : {}),
        ...(q.outcome ? { outcome: q.outcome } : {}),
        ...(q.since ? { since: new Date(q.since).toISOString() } : {}),
        ...(q.until ? { until: new Date(q.until).toISOString() } : {}),
        ...(q.after !== undefined ? { after: q.after } : {}),
        desc: q.order === 'desc',
        limit,
      });
      return { items, next_cursor: items.length === limit ? items[items.length - 1]!.seq : null };
    },
  );

  app.get(
    '/api/v1/audit/head',
    { config: { permission: 'audit:read' }, schema: { summary: 'The newest event of the chain', tags: ['audit'], response: responses({ 200: { type: 'object', properties: { seq: { type: 'integer' }, hash: { type: 'string' } }, required: ['seq', 'hash'] } }) } },
    async () => audit.head(),
  );

  app.get<{ Querystring: { from_seq?: number } }>(
    '/api/v1/audit/verify',
    {
      config: { permission: 'audit:verify' },
      schema: {
        summary: 'Verify the trail: the hash chain, every row against its event and MAC, and that no row is outside the chain',
        tags: ['audit'],
        querystring: { type: 'object', additionalProperties: false, properties: { from_seq: { type: 'integer', minimum: 1 } } },
        response: responses({ 200: verifySchema }),
      },
    },
    async (req) => auditLedger.verify(await startingAt(req.query.from_seq)),
  );

  app.get<{ Querystring: { from_seq?: number } }>(
    '/api/v1/audit/export',
    {
      config: { permission: 'audit:read' },
      schema: {
        summary: 'Export the trail as JSONL for offline verification: the signed checkpoints first ({checkpoint: {tree_size, note}}), then one {seq, prev_hash, hash, event} per event',
        tags: ['audit'],
        querystring: { type: 'object', additionalProperties: false, properties: { from_seq: { type: 'integer', minimum: 1 } } },
      },
    },
    async (req, reply) => {
      const gen = auditLedger.exportLines(await startingAt(req.query.from_seq));
      const lines = (async function* () {
        for await (const rec of gen) yield JSON.stringify(rec) + '\n';
      })();
      return reply.type('application/x-ndjson').send(Readable.from(lines));
    },
  );
}
