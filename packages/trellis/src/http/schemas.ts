/**
 * Shared route-schema pieces: the problem document, zod → JSON Schema conversion (so one zod
 * schema gives validation, TypeScript types and OpenAPI), and the standard error responses.
 */
import { z } from 'zod';

export type JsonSchema = Record<string, unknown>;

/** JSON Schema (draft-07, what Fastify's Ajv speaks) of a zod schema's input side. */
export function jsonSchema(schema: z.ZodType): JsonSchema {
  const out = z.toJSONSchema(schema, { target: 'draft-7', io: 'input', unrepresentable: 'any' }) as JsonSchema;
  delete out.$schema;
  return out;
}

export const fieldErrorSchema: JsonSchema = {
  type: 'object',
  properties: { path: { type: 'string' }, message: { type: 'string' }, line: { type: 'integer' }, column: { type: 'integer' } },
  required: ['path', 'message'],
};

export const problemSchema: JsonSchema = {
  type: 'object',
  description: 'RFC 9457 problem details',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string' },
    instance: { type: 'string' },
    errors: { type: 'array', items: fieldErrorSchema },
  },
  required: ['type', 'title', 'status', 'code'],
  additionalProperties: true,
};

/** Error responses every authenticated route can give. */
export const standardErrors: Record<number, JsonSchema> = {
  400: problemSchema,
  401: problemSchema,
  403: problemSchema,
  404: problemSchema,
  409: problemSchema,
  413: problemSchema,
  415: problemSchema,
  422: problemSchema,
  429: problemSchema,
  500: problemSchema,
};

export function responses(ok: Record<number, JsonSchema>): Record<number, JsonSchema> {
  return { ...standardErrors, ...ok };
}
