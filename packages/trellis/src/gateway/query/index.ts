/**
 * The gateway's safe query compiler (docs/gateway.md, "Query API"): request schemas, the
 * compile functions and their error codes. Pure; the gateway's routes run what it compiles.
 */
export { queryErrors, queryErrorFromPg } from './errors.ts';
export type { QueryErrorCode } from './errors.ts';
export { queryRequestSchema, insertRequestSchema, updateRequestSchema, deleteRequestSchema, parseRequest, filterOps, defaultLimit, maxLimit, maxInsertRows } from './schema.ts';
export type { QueryRequest, InsertRequest, UpdateRequest, DeleteRequest, Filter, Scalar } from './schema.ts';
export type { QueryContext, QueryResource, QueryGrant, RowFilter, CatalogField } from './context.ts';
export { compileSelect, compileInsert, compileUpdate, compileDelete, requiredColumns } from './compile.ts';
export type { CompiledStatement, CompiledSelect, Page } from './compile.ts';
export { quoteIdent, quoteTable } from './sql.ts';
