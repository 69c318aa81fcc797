/** REST routes of the audit ledger: the verifier key, signed checkpoints, proofs, witness status. */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors.ts';
import { responses } from '../../http/schemas.ts';
import type { AuditLedger } from './service.ts';

const checkpointSchema = {
  type: 'object',
  properties: {
    tree_size: { type: 'integer', description: 'events 1..tree_size are covered' },
    root_hash: { type: 'string', description: 'RFC 9162 root over their chain hashes, hex' },
    created_at: { type: 'string' },
    note: { type: 'string', description: 'the C2SP signed checkpoint note' },
  },
  required: ['tree_size', 'root_hash', 'created_at', 'note'],
};

const hexList = { type: 'array', items: { type: 'string' }, description: 'hashes, hex, leaf side first' };

const inclusionSchema = {
  type: 'object',
  properties: {
    seq: { type: 'integer' },
    tree_size: { type: 'integer' },
    record: { type: 'object', properties: { seq: { type: 'integer' }, prev_hash: { type: 'string' }, hash: { type: 'string' }, event: { type: 'object', additionalProperties: true } }, required: ['seq', 'prev_hash', 'hash', 'event'] },
    proof: hexList,
    checkpoint: { type: 'string' },
  },
  required: ['seq', 'tree_size', 'record', 'proof', 'checkpoint'],
};

const consistencySchema = {
  type: 'object',
  properties: { from_size: { type: 'integer' }, to_size: { type: 'integer' }, proof: hexList, from_checkpoint: { type: 'string' }, to_checkpoint: { type: 'string' } },
  required: ['from_size', 'to_size', 'proof', 'from_checkpoint', 'to_checkpoint'],
};

const size = { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER };

/** The ledger part of a verification result. */
export const ledgerVerdictSchema = {
  type: 'object',
  description: 'the trail checked against its signed checkpoints',
  properties: {
    ok: { type: 'boolean' },
    checkpoints: { type: 'integer' },
    anchoredSize: { type: 'integer' },
    unanchored: { type: 'integer' },
    signaturesChecked: { type: 'boolean' },
    problems: { type: 'array', items: { type: 'object', properties: { reason: { type: 'string' }, treeSize: { type: ['integer', 'null'] }, message: { type: 'string' } }, required: ['reason', 'message'] } },
  },
  required: ['ok', 'checkpoints', 'anchoredSize', 'unanchored', 'problems'],
};

export function ledgerRoutes(app: FastifyInstance, deps: { auditLedger: AuditLedger }): void {
  const { auditLedger: ledger } = deps;

  app.get(
    '/api/v1/audit/key',
    {
      config: { permission: 'audit:read' },
      schema: {
        summary: 'The public key that signs audit checkpoints, as a C2SP verifier key',
        tags: ['audit'],
        response: responses({ 200: { type: 'object', properties: { origin: { type: 'string' }, vkey: { type: 'string' }, algorithm: { type: 'string' }, public_key: { type: 'string', description: 'raw Ed25519 key, base64' } }, required: ['origin', 'vkey', 'algorithm', 'public_key'] } }),
      },
    },
    async () => ({ origin: ledger.origin, vkey: ledger.vkey, algorithm: 'Ed25519', public_key: ledger.publicKey.toString('base64') }),
  );

  app.get<{ Querystring: { after?: number; order?: 'asc' | 'desc'; limit?: number } }>(
    '/api/v1/audit/checkpoints',
    {
      config: { permission: 'audit:read' },
      schema: {
        summary: 'Signed checkpoints, oldest first (or newest with order=desc)',
        tags: ['audit'],
        querystring: { type: 'object', additionalProperties: false, properties: { after: { type: 'integer', minimum: 0, description: 'cursor: a tree size' }, order: { type: 'string', enum: ['asc', 'desc'], default: 'asc' }, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } } },
        response: responses({ 200: { type: 'object', properties: { items: { type: 'array', items: checkpointSchema }, next_cursor: { type: ['integer', 'null'] } }, required: ['items', 'next_cursor'] } }),
      },
    },
    async (req) => {
      const limit = req.query.limit ?? 100;
      const items = await ledger.list({ ...(req.query.after === undefined ? {} : { after: req.query.after }), limit, desc: req.query.order === 'desc' });
      return { items, next_cursor: items.length === limit ? items[items.length - 1]!.tree_size : null };
    },
  );

  app.get(
    '/api/v1/audit/checkpoints/latest',
    { config: { permission: 'audit:read' }, schema: { summary: 'The newest signed checkpoint', tags: ['audit'], response: responses({ 200: checkpointSchema }) } },
    async () => {
      const latest = await ledger.latest();
      if (!latest) throw new AppError('not_found', 'no checkpoint has been signed yet: the first comes once events are sealed (or POST /api/v1/audit/checkpoints)');
      return latest;
    },
  );

  app.get<{ Params: { size: number } }>(
    '/api/v1/audit/checkpoints/:size',
    {
      config: { permission: 'audit:read' },
      schema: { summary: 'The signed checkpoint of one tree size', tags: ['audit'], params: { type: 'object', properties: { size }, required: ['size'] }, response: responses({ 200: checkpointSchema }) },
    },
    async (req) => ledger.get(req.params.size),
  );

  app.post(
    '/api/v1/audit/checkpoints',
    {
      config: { permission: 'audit:manage' },
      schema: {
        summary: 'Sign a checkpoint now over every sealed event not yet covered',
        tags: ['audit'],
        response: responses({ 201: checkpointSchema, 200: { type: 'object', properties: { created: { type: 'boolean' }, latest: { anyOf: [checkpointSchema, { type: 'null' }] } }, required: ['created', 'latest'] } }),
      },
    },
    async (_req, reply) => {
      const made = await ledger.checkpoint({ force: true });
      if (made) return reply.code(201).send(made);
      return { created: false, latest: (await ledger.latest()) ?? null };
    },
  );

  app.get<{ Querystring: { seq: number; tree_size?: number } }>(
    '/api/v1/audit/proofs/inclusion',
    {
      config: { permission: 'audit:read' },
      schema: {
        summary: 'Proof that an event is in a signed checkpoint (the first that covers it, or tree_size)',
        tags: ['audit'],
        querystring: { type: 'object', additionalProperties: false, properties: { seq: size, tree_size: size }, required: ['seq'] },
        response: responses({ 200: inclusionSchema }),
      },
    },
    async (req) => ledger.inclusion(req.query.seq, req.query.tree_size),
  );

  app.get<{ Querystring: { from: number; to?: number } }>(
    '/api/v1/audit/proofs/consistency',
    {
      config: { permission: 'audit:read' },
      schema: {
        summary: 'Proof that a signed checkpoint (to, default the newest) extends an older one (from)',
        tags: ['audit'],
        querystring: { type: 'object', additionalProperties: false, properties: { from: size, to: size }, required: ['from'] },
        response: responses({ 200: consistencySchema }),
      },
    },
    async (req) => ledger.consistency(req.query.from, req.query.to),
  );

  app.get(
    '/api/v1/audit/witnesses',
    {
      config: { permission: 'audit:read' },
      schema: {
        summary: 'Where checkpoints are pushed, and how far each witness has acknowledged',
        tags: ['audit'],
        response: responses({
          200: {
            type: 'object',
            properties: {
              items: {
                type: 'array',
                items: { type: 'object', properties: { witness: { type: 'string' }, tree_size: { type: 'integer' }, pushed_at: { type: ['string', 'null'] }, attempted_at: { type: ['string', 'null'] }, last_error: { type: ['string', 'null'] } }, required: ['witness', 'tree_size'] },
              },
            },
            required: ['items'],
          },
        }),
      },
    },
    async () => ({ items: await ledger.witnessStatus() }),
  );
}
