/**
 * OpenAPI 3.1 generated from the routes themselves: every route's params, querystring, body
 * and per-status response schemas are already JSON Schema, so the document cannot drift from
 * what the server validates. Collected with an onRoute hook, served at /api/v1/openapi.json.
 */
import type { FastifyInstance, RouteOptions } from 'fastify';
import type { JsonSchema } from './schemas.ts';
import type { PermissionTable } from '../module.ts';

/** The permission of the platform's own API routes (this document). */
export const apiPermissions = {
  'schemas:read': { description: 'Read the OpenAPI document and published JSON Schemas', roles: ['admin', 'reviewer', 'builder', 'auditor', 'viewer'] },
} as const satisfies PermissionTable;

declare module 'fastify' {
  interface FastifySchema {
    /** One line for the OpenAPI operation. */
    summary?: string;
    description?: string;
    tags?: string[];
  }
}

interface CollectedRoute {
  method: string;
  url: string;
  schema: Record<string, unknown>;
  permission?: string;
}

export class OpenApiCollector {
  readonly routes: CollectedRoute[] = [];

  install(app: FastifyInstance): void {
    app.addHook('onRoute', (route: RouteOptions) => {
      if (!route.url.startsWith('/api/')) return;
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const m of methods) {
        if (m === 'HEAD' || m === 'OPTIONS') continue;
        const config = (route.config ?? {}) as { permission?: string };
        this.routes.push({ method: m.toLowerCase(), url: route.url, schema: (route.schema ?? {}) as Record<string, unknown>, ...(config.permission ? { permission: config.permission } : {}) });
      }
    });
  }

  document(info: { version: string }): JsonSchema {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const r of this.routes) {
      const path = r.url.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
      const op: Record<string, unknown> = {
        operationId: `${r.method}_${r.url.replace(/^\/api\/v1\//, '').replace(/[/:{}.-]+/g, '_').replace(/_+$/, '')}`,
        security: [{ bearer: [] }],
      };
      const s = r.schema;
      if (typeof s.summary === 'string') op.summary = s.summary;
      if (typeof s.description === 'string') op.description = s.description;
      if (Array.isArray(s.tags)) op.tags = s.tags;
      if (r.permission) op['x-trellis-permission'] = r.permission;
      const parameters: unknown[] = [];
      for (const [where, key] of [['path', 'params'], ['query', 'querystring']] as const) {
        const ps = s[key] as { properties?: Record<string, JsonSchema>; required?: string[] } | undefined;
        for (const [name, schema] of Object.entries(ps?.properties ?? {})) {
          parameters.push({ name, in: where, required: where === 'path' || (ps?.required ?? []).includes(name), schema });
        }
      }
      if (parameters.length) op.parameters = parameters;
      if (s.body) op.requestBody = { required: true, content: { 'application/json': { schema: s.body } } };
      const responses: Record<string, unknown> = {};
      for (const [status, schema] of Object.entries((s.response ?? {}) as Record<string, JsonSchema>)) {
        const isError = Number(status) >= 400;
        responses[status] = { description: isError ? 'Problem details (RFC 9457)' : 'Success', content: { [isError ? 'application/problem+json' : 'application/json']: { schema } } };
      }
      if (Object.keys(responses).length === 0) responses['200'] = { description: 'Success' };
      op.responses = responses;
      (paths[path] ??= {})[r.method] = op;
    }
    return {
      openapi: '3.1.0',
      info: { title: 'Trellis API', version: info.version, description: 'Governance control plane for micro-apps. Every route needs a bearer API token.' },
      servers: [{ url: '/' }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'Trellis API token (trl_…)' } } },
      security: [{ bearer: [] }],
      paths,
    };
  }
}
