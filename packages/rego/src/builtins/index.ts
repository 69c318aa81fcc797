/**
 * The registry of built-in functions: every category's declarations concatenated into one
 * list, plus a lookup by name. The type checker, the evaluator, the generated reference
 * (docs/builtins.md) and the capabilities list all read from here.
 *
 * To add a category: export `<category>Builtins: BuiltinDecl[]` from builtins/<category>.ts,
 * import it below and append it to `categories`.
 */
import type { BuiltinDecl } from './decl.ts';
import { aggregatesBuiltins } from './aggregates.ts';
import { arraysBuiltins } from './arrays.ts';
import { bitsBuiltins } from './bits.ts';
import { castsBuiltins } from './casts.ts';
import { comparisonBuiltins } from './comparison.ts';
import { globBuiltins } from './glob.ts';
import { numbersBuiltins } from './numbers.ts';
import { objectsBuiltins } from './objects.ts';
import { regexBuiltins } from './regex.ts';
import { semverBuiltins } from './semver.ts';
import { setsBuiltins } from './sets.ts';
import { stringsBuiltins } from './strings.ts';
import { typesBuiltins } from './types.ts';
import { unitsBuiltins } from './units.ts';
import { encodingBuiltins } from './encoding.ts';
import { uriBuiltins } from './uri.ts';
import { timeBuiltins } from './time.ts';
import { netBuiltins } from './net.ts';
import { uuidBuiltins } from './uuid.ts';
import { graphBuiltins } from './graph.ts';
import { jwtBuiltins } from './jwt.ts';
import { cryptoBuiltins } from './crypto.ts';
import { graphqlBuiltins } from './graphql.ts';
import { jsonschemaBuiltins } from './jsonschema.ts';
import { miscBuiltins } from './misc.ts';
// Other categories: append imports here.

const categories: BuiltinDecl[][] = [
  comparisonBuiltins,
  numbersBuiltins,
  aggregatesBuiltins,
  arraysBuiltins,
  setsBuiltins,
  objectsBuiltins,
  stringsBuiltins,
  regexBuiltins,
  globBuiltins,
  typesBuiltins,
  bitsBuiltins,
  castsBuiltins,
  unitsBuiltins,
  semverBuiltins,
  encodingBuiltins,
  uriBuiltins,
  timeBuiltins,
  netBuiltins,
  uuidBuiltins,
  graphBuiltins,
  jwtBuiltins,
  cryptoBuiltins,
  graphqlBuiltins,
  jsonschemaBuiltins,
  miscBuiltins,
  // Other categories: append here.
];

/** Every built-in declaration, grouped by category in the order above. */
export const builtins: BuiltinDecl[] = categories.flat();

/** Declarations by full name (`strings.replace_n`, `plus`, …). */
export const builtinsByName: Map<string, BuiltinDecl> = new Map(builtins.map((b) => [b.name, b]));
