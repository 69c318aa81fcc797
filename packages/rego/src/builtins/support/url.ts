/**
 * A port of the parts of Go's `net/url` that OPA's results depend on: query escaping
 * (`QueryEscape`/`QueryUnescape`, `ParseQuery`, `Values.Encode`) and `url.Parse` with its
 * exact acceptance rules and error texts (`parse "…": invalid URL escape "%6d"`). Everything
 * works on UTF-8 bytes, as Go does.
 */

type Mode = 'path' | 'pathSegment' | 'host' | 'zone' | 'userPassword' | 'queryComponent' | 'fragment';

const isAlnum = (c: number): boolean => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39);

/** Go's shouldEscape: whether byte `c` must be percent-encoded in a component of kind `mode`. */
function shouldEscape(c: number, mode: Mode): boolean {
  if (isAlnum(c)) return false;
  const ch = String.fromCharCode(c);
  if (mode === 'host' || mode === 'zone') {
    if ("!$&'()*+,;=:[]<>\"".includes(ch)) return false;
  }
  if ('-_.~'.includes(ch)) return false;
  if ('$&+,/:;=?@'.includes(ch)) {
    switch (mode) {
      case 'path':
        return ch === '?';
      case 'pathSegment':
        return ch === '/' || ch === ';' || ch === ',' || ch === '?';
      case 'userPassword':
        return ch === '@' || ch === '/' || ch === '?' || ch === ':';
      case 'queryComponent':
        return true;
      case 'fragment':
        return false;
      default:
        break;
    }
  }
  if (mode === 'fragment' && '!()*'.includes(ch)) return false;
  return true;
}

const HEX = '0123456789ABCDEF';

function escape(s: string, mode: Mode): string {
  const bytes = Buffer.from(s, 'utf8');
  let out = '';
  for (const c of bytes) {
    if (shouldEscape(c, mode)) {
      if (c === 0x20 && mode === 'queryComponent') out += '+';
      else out += '%' + HEX[c >> 4] + HEX[c & 15];
    } else out += String.fromCharCode(c);
  }
  return out;
}

export class URLError extends Error {}

const isHex = (c: number | undefined): boolean =>
  c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46));
const unhex = (c: number): number => (c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x61 + 10);

/** Go's `strconv.Quote` for the strings that appear in url errors. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + '"';
}

function unescape(s: string, mode: Mode): string {
  const b = Buffer.from(s, 'utf8');
  const latin = (from: number, to: number): string => b.subarray(from, to).toString('utf8');
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    if (c === 0x25) {
      if (i + 2 >= b.length || !isHex(b[i + 1]) || !isHex(b[i + 2])) {
        throw new URLError(`invalid URL escape ${goQuote(latin(i, Math.min(i + 3, b.length)))}`);
      }
      const esc = latin(i, i + 3);
      // RFC 3986 §3.2.2: in a host, %-escapes only encode non-ASCII bytes (RFC 6874 adds %25).
      if (mode === 'host' && unhex(b[i + 1]!) < 8 && esc !== '%25') throw new URLError(`invalid URL escape ${goQuote(esc)}`);
      if (mode === 'zone') {
        const v = (unhex(b[i + 1]!) << 4) | unhex(b[i + 2]!);
        if (esc !== '%25' && v !== 0x20 && shouldEscape(v, 'host')) throw new URLError(`invalid URL escape ${goQuote(esc)}`);
      }
      i += 3;
    } else {
      if ((mode === 'host' || mode === 'zone') && c < 0x80 && shouldEscape(c, mode)) {
        throw new URLError(`invalid character ${goQuote(String.fromCharCode(c))} in host name`);
      }
      i++;
    }
  }
  const out: number[] = [];
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c === 0x25) {
      out.push((unhex(b[i + 1]!) << 4) | unhex(b[i + 2]!));
      i += 2;
    } else if (c === 0x2b && mode === 'queryComponent') out.push(0x20);
    else out.push(c);
  }
  return Buffer.from(out).toString('utf8');
}

/** Go's `url.QueryEscape`. */
export function queryEscape(s: string): string {
  return escape(s, 'queryComponent');
}

/** Go's `url.QueryUnescape`; throws URLError (`invalid URL escape "%zz"`). */
export function queryUnescape(s: string): string {
  return unescape(s, 'queryComponent');
}

/** Go's `url.ParseQuery`: values by key in first-seen order; throws the first error. */
export function parseQuery(query: string): Map<string, string[]> {
  const m = new Map<string, string[]>();
  let firstErr: Error | undefined;
  for (const part of query.split('&')) {
    if (part.includes(';')) {
      firstErr ??= new URLError('invalid semicolon separator in query');
      continue;
    }
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawKey = eq < 0 ? part : part.slice(0, eq);
    const rawVal = eq < 0 ? '' : part.slice(eq + 1);
    let key: string;
    let val: string;
    try {
      key = queryUnescape(rawKey);
      val = queryUnescape(rawVal);
    } catch (e) {
      firstErr ??= e as Error;
      continue;
    }
    const list = m.get(key);
    if (list) list.push(val);
    else m.set(key, [val]);
  }
  if (firstErr) throw firstErr;
  return m;
}

/** Go's `url.Values.Encode`: keys sorted, `k=v` pairs joined by `&`. */
export function encodeQuery(values: Map<string, string[]>): string {
  const keys = [...values.keys()].sort();
  const parts: string[] = [];
  for (const k of keys) for (const v of values.get(k)!) parts.push(queryEscape(k) + '=' + queryEscape(v));
  return parts.join('&');
}

export interface ParsedURL {
  scheme: string;
  opaque: string;
  user?: { username: string; password?: string };
  host: string;
  path: string;
  rawPath: string;
  rawQuery: string;
  fragment: string;
  rawFragment: string;
}

function getScheme(raw: string): [string, string] {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)) continue;
    if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e) {
      if (i === 0) return ['', raw];
      continue;
    }
    if (c === 0x3a) {
      if (i === 0) throw new URLError('missing protocol scheme');
      return [raw.slice(0, i), raw.slice(i + 1)];
    }
    return ['', raw];
  }
  return ['', raw];
}

function validOptionalPort(port: string): boolean {
  if (port === '') return true;
  if (port[0] !== ':') return false;
  for (const ch of port.slice(1)) if (ch < '0' || ch > '9') return false;
  return true;
}

function parseHost(host: string): string {
  if (host.startsWith('[')) {
    const i = host.lastIndexOf(']');
    if (i < 0) throw new URLError("missing ']' in host");
    const colonPort = host.slice(i + 1);
    if (!validOptionalPort(colonPort)) throw new URLError(`invalid port ${goQuote(colonPort)} after host`);
    const zone = host.slice(0, i).indexOf('%25');
    if (zone >= 0) {
      return unescape(host.slice(0, zone), 'host') + unescape(host.slice(zone, i), 'zone') + unescape(host.slice(i), 'host');
    }
  } else {
    const i = host.lastIndexOf(':');
    if (i >= 0) {
      const colonPort = host.slice(i);
      if (!validOptionalPort(colonPort)) throw new URLError(`invalid port ${goQuote(colonPort)} after host`);
    }
  }
  return unescape(host, 'host');
}

function validUserinfo(s: string): boolean {
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (isAlnum(c)) continue;
    if ("-._:~!$&'()*+,;=%@".includes(ch)) continue;
    return false;
  }
  return true;
}

function parseAuthority(authority: string): { user?: ParsedURL['user']; host: string } {
  const i = authority.lastIndexOf('@');
  const host = parseHost(i < 0 ? authority : authority.slice(i + 1));
  if (i < 0) return { host };
  const userinfo = authority.slice(0, i);
  if (!validUserinfo(userinfo)) throw new URLError('net/url: invalid userinfo');
  const colon = userinfo.indexOf(':');
  if (colon < 0) return { host, user: { username: unescape(userinfo, 'userPassword') } };
  return {
    host,
    user: { username: unescape(userinfo.slice(0, colon), 'userPassword'), password: unescape(userinfo.slice(colon + 1), 'userPassword') },
  };
}

function parseNoFragment(raw: string): ParsedURL {
  for (const ch of raw) {
    const c = ch.charCodeAt(0);
    if (c < 0x20 || c === 0x7f) throw new URLError('net/url: invalid control character in URL');
  }
  const u: ParsedURL = { scheme: '', opaque: '', host: '', path: '', rawPath: '', rawQuery: '', fragment: '', rawFragment: '' };
  if (raw === '*') {
    u.path = '*';
    return u;
  }
  let rest: string;
  [u.scheme, rest] = getScheme(raw);
  u.scheme = u.scheme.toLowerCase();
  if (rest.endsWith('?') && rest.split('?').length === 2) {
    rest = rest.slice(0, -1);
  } else {
    const q = rest.indexOf('?');
    if (q >= 0) {
      u.rawQuery = rest.slice(q + 1);
      rest = rest.slice(0, q);
    }
  }
  if (!rest.startsWith('/')) {
    if (u.scheme !== '') {
      u.opaque = rest; // rootless paths per RFC 3986 are opaque
      return u;
    }
    const seg = rest.split('/')[0]!;
    if (seg.includes(':')) throw new URLError('first path segment in URL cannot contain colon');
  }
  if ((u.scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    rest = '';
    const slash = authority.indexOf('/');
    if (slash >= 0) {
      rest = authority.slice(slash);
      authority = authority.slice(0, slash);
    }
    const a = parseAuthority(authority);
    u.host = a.host;
    if (a.user) u.user = a.user;
  }
  u.path = unescape(rest, 'path');
  // RawPath is kept only when the default encoding of Path would not reproduce the input.
  u.rawPath = escape(u.path, 'path') === rest ? '' : rest;
  return u;
}

/** Go's `url.Parse`; throws URLError with Go's full message (`parse "…": …`). */
export function parseURL(raw: string): ParsedURL {
  const hash = raw.indexOf('#');
  const base = hash < 0 ? raw : raw.slice(0, hash);
  let u: ParsedURL;
  try {
    u = parseNoFragment(base);
  } catch (e) {
    throw new URLError(`parse ${goQuote(base)}: ${(e as Error).message}`);
  }
  if (hash < 0) return u;
  const frag = raw.slice(hash + 1);
  try {
    u.fragment = unescape(frag, 'fragment');
    u.rawFragment = escape(u.fragment, 'fragment') === frag ? '' : frag;
  } catch (e) {
    throw new URLError(`parse ${goQuote(raw)}: ${(e as Error).message}`);
  }
  return u;
}

/** Go's `splitHostPort` as used by `URL.Hostname()` and `URL.Port()`. */
export function splitHostPort(hostPort: string): { hostname: string; port: string } {
  let host = hostPort;
  let p = '';
  const colon = hostPort.lastIndexOf(':');
  if (colon >= 0 && validOptionalPort(hostPort.slice(colon))) {
    host = hostPort.slice(0, colon);
    p = hostPort.slice(colon + 1);
  }
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return { hostname: host, port: p };
}

/** Go's `URL.EscapedPath()`: the raw path when it is a valid encoding, else the escaped path. */
export function escapedPath(u: ParsedURL): string {
  return u.rawPath !== '' ? u.rawPath : escape(u.path, 'path');
}
