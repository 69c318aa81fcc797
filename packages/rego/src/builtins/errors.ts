/**
 * Errors raised by built-ins, with OPA's codes so people who know OPA recognise them:
 * `eval_type_error` for an operand of the wrong type ("operand 1 must be string but got
 * number"), `eval_builtin_error` for everything else a built-in rejects.
 */
import { typeName, type Value } from '../value.ts';

export type BuiltinErrorCode = 'eval_type_error' | 'eval_builtin_error';

export class BuiltinError extends Error {
  readonly code: BuiltinErrorCode;
  constructor(code: BuiltinErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = 'BuiltinError';
  }
}

/** `name: operand N must be <expected> but got <actual>` — OPA's wording. */
export function operandTypeError(fn: string, pos: number, expected: string, got: Value): BuiltinError {
  return new BuiltinError('eval_type_error', `${fn}: operand ${pos} must be ${expected} but got ${typeName(got)}`);
}

export function builtinError(fn: string, message: string): BuiltinError {
  return new BuiltinError('eval_builtin_error', `${fn}: ${message}`);
}
