/**
 * Built-ins of the uri category: `uri.parse` and `uri.is_valid`, with Go's `net/url` rules
 * (OPA's implementation language), so that the same inputs are accepted and rejected and
 * the error texts match (`parse "http://exa%6dple.com/": invalid URL escape "%6d"`).
 */
import { makeObject, type Value } from '../value.ts';
import { arg, expectString } from './args.ts';
import { t, type BuiltinDecl } from './decl.ts';
import { builtinError } from './errors.ts';
import { parseURL, splitHostPort, type ParsedURL } from './support/url.ts';

function uriObject(u: ParsedURL): Value {
  const { hostname, port } = splitHostPort(u.host);
  const fields: Record<string, string> = {
    scheme: u.scheme,
    hostname,
    port,
    path: u.path,
    // Go's RawPath is set only when the default encoding would not reproduce the input.
    raw_path: u.rawPath || u.path,
    raw_query: u.rawQuery,
    fragment: u.fragment,
  };
  const present: Record<string, Value> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== '') present[k] = v;
  return makeObject(present);
}

export const uriBuiltins: BuiltinDecl[] = [
  {
    name: 'uri.parse',
    category: 'uri',
    args: [{ name: 'uri', type: t.string }],
    result: t.object(t.string, t.string),
    description:
      'Parses a URI into its components: scheme, hostname, port, path, raw_path, raw_query and fragment (empty components are omitted).',
    impl: (args) => {
      const s = expectString('uri.parse', args, 0);
      try {
        return uriObject(parseURL(s));
      } catch (e) {
        throw builtinError('uri.parse', (e as Error).message);
      }
    },
  },
  {
    name: 'uri.is_valid',
    category: 'uri',
    args: [{ name: 'uri', type: t.string }],
    result: t.boolean,
    description: 'Reports whether the string is a valid absolute URI (it parses and has a scheme).',
    impl: (args) => {
      const s = arg(args, 0);
      if (typeof s !== 'string') return false;
      try {
        return parseURL(s).scheme !== '';
      } catch {
        return false;
      }
    },
  },
];
