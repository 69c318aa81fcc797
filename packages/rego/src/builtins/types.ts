/**
 * Type-test built-ins: `is_number is_string is_boolean is_array is_set is_object is_null`
 * and `type_name`. The `is_*` functions never fail: for a value of another kind they return
 * `false` (OPA documents them as returning false rather than being undefined).
 */
import { typeName, type TypeName } from '../value.ts';
import { arg } from './args.ts';
import { t, type BuiltinDecl } from './decl.ts';

const category = 'types';

function isKind(kind: TypeName): BuiltinDecl {
  const article = kind === 'array' || kind === 'object' ? 'an' : 'a';
  return {
    name: `is_${kind}`,
    category,
    args: [{ name: 'x', type: t.any, description: 'input value' }],
    result: t.boolean,
    description: `Returns \`true\` if the input value is ${article} ${kind}.`,
    impl: (args) => typeName(arg(args, 0)) === kind,
  };
}

export const typesBuiltins: BuiltinDecl[] = [
  isKind('number'),
  isKind('string'),
  isKind('boolean'),
  isKind('array'),
  isKind('set'),
  isKind('object'),
  isKind('null'),
  {
    name: 'type_name',
    category,
    args: [{ name: 'x', type: t.any, description: 'input value' }],
    result: t.string,
    description: 'Returns the type of its input value: one of "null", "boolean", "number", "string", "array", "object" or "set".',
    impl: (args) => typeName(arg(args, 0)),
  },
];
