import { createRequire } from 'node:module';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyBinarySource } from './copy-binary.ts';
import { postgresUrl } from '../../test/databases.ts';

type Tuples = { feed(chunk: Buffer): void; end(): boolean };
const makeCopyTuples = new Function('require', `${copyBinarySource}; return makeCopyTuples;`)(createRequire(import.meta.url)) as (columns: number, onTuple: (b: Buffer, at: Int32Array) => void) => Tuples;

/** The rows a stream's pieces give, each column as text (or null); and whether it ended whole. */
function parse(pieces: Buffer[], columns: number): { rows: (string | null)[][]; whole: boolean } {
  const rows: (string | null)[][] = [];
  const tuples = makeCopyTuples(columns, (b, at) => {
    const row: (string | null)[] = [];
    for (let f = 0; f < columns; f++) row.push(at[2 * f]! < 0 ? null : b.toString('hex', at[2 * f], at[2 * f + 1]));
    rows.push(row);
  });
  for (const p of pieces) {
    // As pg does: the piece's memory is reused once feed returns.
    const copy = Buffer.from(p);
    tuples.feed(copy);
    copy.fill(0xee);
  }
  return { rows, whole: tuples.end() };
}

/** A stream PostgreSQL itself wrote, as the messages it sent. */
async function copyOut(client: pg.Client, query: string): Promise<Buffer[]> {
  const messages: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    const noop = () => undefined;
    client.query({
      submit: (connection: { query(text: string): void }) => connection.query(`copy (${query}) to stdout (format binary)`),
      handleCopyData: (msg: { chunk: Buffer }) => messages.push(Buffer.from(msg.chunk)),
      handleError: reject,
      handleReadyForQuery: () => resolve(),
      handleCommandComplete: noop,
      handleRowDescription: noop,
      handleDataRow: noop,
      handleEmptyQuery: noop,
      handlePortalSuspended: noop,
    } as unknown as pg.QueryConfig);
  });
  return messages;
}

const ROWS = `select g::bigint, case when g % 3 = 0 then null else 'row ' || g || repeat('é', g % 7) end, ''::text, (g * 7)::int from generate_series(1, 300) g`;

if (postgresUrl) {
  describe('binary COPY reader', () => {
    const client = new pg.Client({ connectionString: postgresUrl });
    let messages: Buffer[] = [];
    let whole: Buffer;
    beforeAll(async () => {
      await client.connect();
      messages = await copyOut(client, ROWS);
      whole = Buffer.concat(messages);
    });
    afterAll(() => client.end());

    it('reads every row and column of a stream PostgreSQL wrote, nulls and empty text apart', () => {
      const { rows, whole: ended } = parse(messages, 4);
      expect(ended).toBe(true);
      expect(rows).toHaveLength(300);
      expect(rows[0]).toEqual([Buffer.from([0, 0, 0, 0, 0, 0, 0, 1]).toString('hex'), Buffer.from('row 1é').toString('hex'), '', Buffer.from([0, 0, 0, 7]).toString('hex')]);
      expect(rows[2]![1]).toBeNull();
    });

    it('gives the same rows however the stream is cut, one byte at a time included', () => {
      const expected = parse(messages, 4).rows;
      for (const size of [1, 2, 3, 5, 11, 19, 20, 64, 1000]) {
        const pieces: Buffer[] = [];
        for (let i = 0; i < whole.length; i += size) pieces.push(whole.subarray(i, i + size));
        const got = parse(pieces, 4);
        expect(got.rows).toEqual(expected);
        expect(got.whole).toBe(true);
      }
    });

    it('says a stream cut short is not whole, at any point', () => {
      for (const cut of [5, 19, 25, Math.floor(whole.length / 2), whole.length - 2]) {
        expect(parse([whole.subarray(0, cut)], 4).whole).toBe(false);
      }
    });

    it('refuses text COPY, a critical header flag, a row of another width, a bad length and data after the end', () => {
      expect(() => parse([Buffer.from('1\trow 1\n')], 4)).toThrow(/not a binary COPY stream/);
      const flagged = Buffer.from(whole);
      flagged.writeUInt32BE(1 << 16, 11);
      expect(() => parse([flagged], 4)).toThrow(/critical header flag/);
      expect(() => parse(messages, 3)).toThrow(/a row of 4 columns where 3 were asked for/);
      const badLength = Buffer.from(whole);
      badLength.writeInt32BE(-2, 19 + 2);
      expect(() => parse([badLength], 4)).toThrow(/a column of length -2/);
      expect(() => parse([whole, Buffer.from([0, 1])], 4)).toThrow(/data after the end/);
      expect(() => parse([Buffer.concat([whole, Buffer.from([0])])], 4)).toThrow(/data after the end/);
    });
  });
}
