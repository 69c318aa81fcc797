/**
 * The query compiler's error codes. Each carries the JSON path of the offending part of the
 * request (`filter[1].field`) in `errors`, so the gateway's problem document says where; no
 * message echoes a request value (a filter value may be a secret someone pasted).
 */
import { defineErrors, type FieldError } from '../../errors.ts';

export const queryErrors = defineErrors({
  query_invalid: { status: 400, title: 'The query is not valid' },
  query_field_not_allowed: { status: 403, title: "A field is outside the app's approved fields" },
  query_access_denied: { status: 403, title: "The operation is outside the app's approved access" },
  query_row_filter_unresolved: { status: 403, title: "The app's row filter cannot be applied to this caller" },
  query_row_filter_violated: { status: 403, title: "The written rows would fall outside the app's row filter" },
  query_cursor_invalid: { status: 400, title: 'The cursor is not valid for this query' },
  query_value_invalid: { status: 400, title: "A value does not fit the field's type" },
  query_constraint_violated: { status: 409, title: 'The change breaks a rule of the database' },
});

export type QueryErrorCode = keyof typeof queryErrors.table;

/** One coded error naming one located problem. */
export function queryError(code: QueryErrorCode, path: string, message: string) {
  const errors: FieldError[] = [{ path, message }];
  return queryErrors.error(code, path ? `${path} ${message}` : message, { errors });
}

/**
 * A PostgreSQL error raised by a compiled statement, as the app should see it. The compiler
 * cannot know column types (the catalog has none), so a value of the wrong type (`"abc"` for
 * an integer) reaches the database and fails with a data exception (SQLSTATE class 22) or a
 * constraint violation (class 23): the caller's mistake, a 400 or 409. PostgreSQL's own message
 * quotes the value, so it is never passed on. Anything else is not the caller's doing: undefined.
 */
export function queryErrorFromPg(err: unknown) {
  const code = typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string' ? (err as { code: string }).code : '';
  if (code.startsWith('22')) return queryErrors.error('query_value_invalid', "a value does not fit its field's type or range in the database (for example text where a number is stored)");
  if (code.startsWith('23')) return queryErrors.error('query_constraint_violated', `the change breaks a rule of the database (${constraintKind[code] ?? 'an integrity constraint'})`);
  return undefined;
}

const constraintKind: Record<string, string> = {
  '23505': 'a unique key: such a row exists already',
  '23503': 'a foreign key: the referenced row does not exist, or other rows refer to this one',
  '23502': 'a required field is missing',
  '23514': 'a check constraint',
};
