/**
 * The gateway's safe query compiler (docs/gateway.md, "Query API"): request schemas, the
 * compile functions and their error codes. Pure; the gateway's routes run what it compiles.
 */
export { queryErrors, queryErrorFromPg } from './errors.ts';
export { queryRequestSchema, insertRequestSchema, updateRequestSchema, deleteRequestSchema, parseRequest, filterOps } from './schema.ts';
export type { QueryContext, QueryGrant, RowFilter } from './context.ts';
export { compileSelect, compileInsert, compileUpdate, compileDelete, requiredColumns } from './compile.ts';
export type { CompiledStatement, CompiledSelect } from './compile.ts';
