/**
 * Comparison built-ins: `equal neq lt lte gt gte` (infix `== != < <= > >=`). They accept
 * values of any kind and use Rego's total order (value.ts `compare`), so `1 < "a"` holds
 * because numbers sort before strings, exactly as in OPA.
 */
import { compare, equals, type Value } from '../value.ts';
import { arg } from './args.ts';
import { t, type BuiltinDecl } from './decl.ts';

const category = 'comparison';

function comparison(name: string, infix: string, description: string, test: (a: Value, b: Value) => boolean): BuiltinDecl {
  return {
    name,
    category,
    infix,
    args: [
      { name: 'x', type: t.any },
      { name: 'y', type: t.any },
    ],
    result: t.boolean,
    description,
    impl: (args) => test(arg(args, 0), arg(args, 1)),
  };
}

export const comparisonBuiltins: BuiltinDecl[] = [
  comparison('equal', '==', 'Returns `true` if the two values are equal.', equals),
  comparison('neq', '!=', 'Returns `true` if the two values are not equal.', (a, b) => !equals(a, b)),
  comparison('lt', '<', 'Returns `true` if `x` is less than `y`.', (a, b) => compare(a, b) < 0),
  comparison('lte', '<=', 'Returns `true` if `x` is less than or equal to `y`.', (a, b) => compare(a, b) <= 0),
  comparison('gt', '>', 'Returns `true` if `x` is greater than `y`.', (a, b) => compare(a, b) > 0),
  comparison('gte', '>=', 'Returns `true` if `x` is greater than or equal to `y`.', (a, b) => compare(a, b) >= 0),
];
