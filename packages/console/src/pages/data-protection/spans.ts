/**
 * Turning a scan's offsets into pieces of the text to draw: plain runs and marked runs, each
 * marked run naming every entity found in it. Overlapping findings (an e-mail inside a URL) are
 * merged into one marked run so no character is drawn twice. Offsets are UTF-16 code units, as
 * the engine reports them, so String.slice cuts exactly where the server found the value.
 */

export interface Span {
  start: number;
  end: number;
  entity: string;
}

export interface Piece {
  text: string;
  start: number;
  /** The entities found here, in the order first found; empty for text with no finding. */
  entities: string[];
  /** 1-based numbers of the findings (in the list given) this piece covers. */
  findings: number[];
}

export function pieces(text: string, spans: readonly Span[]): Piece[] {
  const order = spans
    .map((s, i) => ({ start: Math.max(0, Math.min(s.start, text.length)), end: Math.max(0, Math.min(s.end, text.length)), entity: s.entity, n: i + 1 }))
    .filter((s) => s.end > s.start)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Piece[] = [];
  let cursor = 0;
  let i = 0;
  while (i < order.length) {
    const first = order[i]!;
    let end = first.end;
    const entities: string[] = [];
    const findings: number[] = [];
    // Take every finding that starts before this run ends into the same run.
    while (i < order.length && order[i]!.start < end) {
      const s = order[i]!;
      end = Math.max(end, s.end);
      if (!entities.includes(s.entity)) entities.push(s.entity);
      findings.push(s.n);
      i++;
    }
    if (first.start > cursor) out.push({ text: text.slice(cursor, first.start), start: cursor, entities: [], findings: [] });
    out.push({ text: text.slice(first.start, end), start: first.start, entities, findings: findings.sort((a, b) => a - b) });
    cursor = end;
  }
  if (cursor < text.length) out.push({ text: text.slice(cursor), start: cursor, entities: [], findings: [] });
  return out;
}

/** Line and column (both from 1) of an offset, for saying where a finding is. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

export interface TransformedPiece {
  entity: string;
  /** Where the original value was, in the scanned text. */
  start: number;
  end: number;
  /** What the transform put in its place, cut from the transformed text. */
  value: string;
}

/**
 * The tokens or ciphertexts a transform put in the text, found by walking both texts: the text
 * between findings is unchanged, a token keeps its value's length (format-preserving) and a
 * ciphertext is `enc:v1:` and base64url. Null when the texts do not line up that way (another
 * operator, or findings the engine cut), so the page offers no shortcut rather than a wrong one.
 */
export function transformedPieces(text: string, output: string, applied: readonly Span[], operator: 'tokenize' | 'encrypt'): TransformedPiece[] | null {
  const sorted = [...applied].sort((a, b) => a.start - b.start);
  const out: TransformedPiece[] = [];
  let cursor = 0;
  let at = 0;
  for (const a of sorted) {
    if (a.start < cursor) return null;
    const gap = text.slice(cursor, a.start);
    if (!output.startsWith(gap, at)) return null;
    at += gap.length;
    let length: number;
    if (operator === 'tokenize') length = a.end - a.start;
    else {
      const m = /^enc:v1:[A-Za-z0-9_-]+/.exec(output.slice(at));
      if (!m) return null;
      length = m[0].length;
    }
    out.push({ entity: a.entity, start: a.start, end: a.end, value: output.slice(at, at + length) });
    at += length;
    cursor = a.end;
  }
  return output.slice(at) === text.slice(cursor) ? out : null;
}
