/**
 * A reader of PostgreSQL's binary COPY format (`COPY … TO STDOUT (FORMAT binary)`), as plain
 * JavaScript for worker threads that run without a TypeScript loader (verify-ranges.ts).
 *
 * Design note — why. A whole-trail check reads every column of every row. Through the query
 * layer each row became an array of decoded strings, which cost about four fifths of a row's
 * time in the worker; binary COPY hands over each row as bytes, which the worker checks where
 * they lie (a MAC and a hash need bytes, not strings) and decodes only when a check fails.
 *
 * `makeCopyTuples(columns, onTuple)` defines a parser; its `feed(chunk)` takes the stream's
 * bytes in pieces cut anywhere (PostgreSQL sends one message per row, but the protocol does not
 * promise it) and calls `onTuple(bytes, at)` for each whole row, where column f is
 * `bytes[at[2f], at[2f + 1])`, or null when `at[2f]` is -1. Both stay valid only during the call.
 * `end()` says whether the stream was whole. A stream that is not binary COPY, sets a critical
 * flag, or carries a row of another width throws.
 */
export const copyBinarySource = `
const COPY_SIGNATURE = Buffer.from([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00]);
const makeCopyTuples = (columns, onTuple) => {
  const at = new Int32Array(2 * columns);
  let rest = null;
  let header = false;
  let ended = false;
  const feed = (chunk) => {
    if (ended) {
      if (chunk.length > 0) throw new Error('binary COPY: data after the end of the stream');
      return;
    }
    const b = rest === null ? chunk : Buffer.concat([rest, chunk]);
    rest = null;
    let p = 0;
    if (!header) {
      if (!b.subarray(0, Math.min(b.length, 11)).equals(COPY_SIGNATURE.subarray(0, Math.min(b.length, 11)))) throw new Error('binary COPY: not a binary COPY stream');
      if (b.length < 19 || b.length < 19 + b.readUInt32BE(15)) {
        rest = Buffer.from(b);
        return;
      }
      // Bits 16 to 31 flag format changes a reader must understand (16: rows carry OIDs).
      if ((b.readUInt32BE(11) & 0xffff0000) !== 0) throw new Error('binary COPY: a critical header flag is set');
      p = 19 + b.readUInt32BE(15);
      header = true;
    }
    while (p + 2 <= b.length) {
      const width = b.readInt16BE(p);
      if (width === -1) {
        ended = true;
        if (p + 2 < b.length) throw new Error('binary COPY: data after the end of the stream');
        return;
      }
      if (width !== columns) throw new Error('binary COPY: a row of ' + width + ' columns where ' + columns + ' were asked for');
      let q = p + 2;
      let f = 0;
      for (; f < columns; f++) {
        if (q + 4 > b.length) break;
        const len = b.readInt32BE(q);
        q += 4;
        if (len < 0) {
          if (len !== -1) throw new Error('binary COPY: a column of length ' + len);
          at[2 * f] = -1;
          at[2 * f + 1] = -1;
        } else {
          if (q + len > b.length) break;
          at[2 * f] = q;
          q += len;
          at[2 * f + 1] = q;
        }
      }
      if (f < columns) break;
      onTuple(b, at);
      p = q;
    }
    // The caller's buffer may be reused once this returns (pg's is): a cut row is copied out.
    if (p < b.length) rest = Buffer.from(b.subarray(p));
  };
  return { feed, end: () => ended && rest === null };
};
`;
