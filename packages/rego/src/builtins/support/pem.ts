/**
 * PEM decoding like Go's `encoding/pem.Decode`: the first well-formed block (anything before
 * it is skipped) and the rest of the input after it, so callers can report "extra data"
 * exactly where OPA does.
 */

export interface PEMBlock {
  type: string;
  headers: Record<string, string>;
  bytes: Buffer;
}

const BEGIN = '-----BEGIN ';

/** The first PEM block in `data` and the text after it, or undefined when there is none. */
export function decodePEM(data: string): { block: PEMBlock; rest: string } | undefined {
  let rest = data;
  while (true) {
    const start = rest.startsWith(BEGIN) ? 0 : rest.indexOf('\n' + BEGIN);
    if (start < 0) return undefined;
    const from = start === 0 ? 0 : start + 1;
    const afterBegin = rest.slice(from + BEGIN.length);
    const lineEnd = afterBegin.indexOf('\n');
    const typeLine = (lineEnd < 0 ? afterBegin : afterBegin.slice(0, lineEnd)).replace(/[ \t\r]+$/, '');
    if (!typeLine.endsWith('-----')) {
      rest = afterBegin;
      continue;
    }
    const type = typeLine.slice(0, -5);
    const body = lineEnd < 0 ? '' : afterBegin.slice(lineEnd + 1);
    const endMarker = '-----END ' + type + '-----';
    const endIdx = body.indexOf(endMarker);
    if (endIdx < 0) {
      rest = afterBegin;
      continue;
    }
    const content = body.slice(0, endIdx);
    const headers: Record<string, string> = {};
    let b64 = content;
    // Optional RFC 1421 headers, separated from the base64 by a blank line.
    const lines = content.split(/\r?\n/);
    if (lines.length > 0 && lines[0]!.includes(':')) {
      let i = 0;
      for (; i < lines.length && lines[i]!.includes(':'); i++) {
        const [k, ...v] = lines[i]!.split(':');
        headers[k!.trim()] = v.join(':').trim();
      }
      b64 = lines.slice(i).join('\n');
    }
    const clean = b64.replace(/[\s]/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) {
      rest = afterBegin;
      continue;
    }
    let after = body.slice(endIdx + endMarker.length);
    // Go consumes the rest of the END line (trailing spaces and one line break).
    const m = /^[ \t]*\r?\n?/.exec(after)!;
    after = after.slice(m[0].length);
    return { block: { type, headers, bytes: Buffer.from(clean, 'base64') }, rest: after };
  }
}

/** Every PEM block in `data`, in order. */
export function decodeAllPEM(data: string): PEMBlock[] {
  const out: PEMBlock[] = [];
  let rest = data;
  while (true) {
    const r = decodePEM(rest);
    if (!r) return out;
    out.push(r.block);
    rest = r.rest;
  }
}
