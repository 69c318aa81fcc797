import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { NoteError, formatCheckpoint, noteSigner, openCheckpoint, openNote, parseCheckpoint, parseVkey } from './signed-note.ts';

describe('signed notes', () => {
  it('verifies a note signed by another implementation (a published C2SP example)', () => {
    const v = parseVkey('example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k');
    const note = 'This is an example message.\n\n\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';
    expect(openNote(note, [v])).toEqual({ text: 'This is an example message.\n', verifiedBy: ['example.com/foo'], otherSignatures: 0 });
    expect(() => openNote(note.replace('example message', 'exemple message'), [v])).toThrow(/does not verify/);
  });

  it('signs what it verifies, and its verifier key round-trips', () => {
    const signer = noteSigner('trellis.test/audit', randomBytes(32));
    const v = parseVkey(signer.vkey);
    expect(v.publicKey.equals(signer.publicKey)).toBe(true);
    const note = signer.sign('hello\nworld\n');
    expect(note.startsWith('hello\nworld\n\n\u2014 trellis.test/audit ')).toBe(true);
    expect(openNote(note, [v]).text).toBe('hello\nworld\n');
  });

  it('ignores signatures by unknown keys, rejects a note no known key signed, and one a known key signed badly', () => {
    const a = noteSigner('log.a', randomBytes(32));
    const b = noteSigner('witness.b', randomBytes(32));
    const note = a.sign('text\n');
    const cosigned = note + b.sign('text\n').split('\n\n')[1]!;
    expect(openNote(cosigned, [parseVkey(a.vkey)])).toMatchObject({ verifiedBy: ['log.a'], otherSignatures: 1 });
    expect(openNote(cosigned, [parseVkey(a.vkey), parseVkey(b.vkey)]).verifiedBy).toEqual(['log.a', 'witness.b']);
    expect(() => openNote(note, [parseVkey(b.vkey)])).toThrow(/not signed by any known key/);
    // Same name and key id, different key: the signature must fail, not be skipped.
    const forged = note.replace(/ ([A-Za-z0-9+/=]+)\n$/, (_m, sig: string) => {
      const raw = Buffer.from(sig, 'base64');
      raw[10] = raw[10]! ^ 1;
      return ` ${raw.toString('base64')}\n`;
    });
    expect(() => openNote(forged, [parseVkey(a.vkey)])).toThrow(NoteError);
  });

  it('refuses malformed notes and keys with a reason', () => {
    const v = parseVkey(noteSigner('n', randomBytes(32)).vkey);
    for (const bad of ['no blank line\n', 'text\n\nnot a signature\n', 'text\n\n\u2014 n AAAA\n', 'a\n\n\n\u2014 n AAAAAAAA\n']) expect(() => openNote(bad, [v])).toThrow(NoteError);
    expect(() => parseVkey('name+00000000+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k')).toThrow(/does not match/);
    expect(() => parseVkey('a b+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k')).toThrow(/invalid name/);
    expect(() => parseVkey('onlyname')).toThrow(NoteError);
    expect(() => noteSigner('has space', randomBytes(32))).toThrow();
    expect(() => noteSigner('n', randomBytes(32)).sign('two\n\nparagraphs\n')).toThrow(NoteError);
  });
});

describe('checkpoints', () => {
  it('format and parse round-trip, and name the faulty line', () => {
    const c = { origin: 'trellis.test/audit', size: 12345, root: randomBytes(32), extensions: ['t 2026-12-07T03:00:00.000Z'] };
    expect(parseCheckpoint(formatCheckpoint(c))).toEqual(c);
    expect(() => parseCheckpoint('o\n-1\nAAAA\n')).toThrow(/line 2/);
    expect(() => parseCheckpoint('o\n01\n' + c.root.toString('base64') + '\n')).toThrow(/line 2/);
    expect(() => parseCheckpoint('o\n1\nAAAA\n')).toThrow(/line 3/);
    expect(() => parseCheckpoint('\n1\n' + c.root.toString('base64') + '\n')).toThrow(/line 1/);
  });

  it("opens only a checkpoint whose origin is the signing key's name", () => {
    const s = noteSigner('trellis.test/audit', randomBytes(32));
    const body = formatCheckpoint({ origin: 'trellis.test/audit', size: 3, root: randomBytes(32), extensions: [] });
    expect(openCheckpoint(s.sign(body), parseVkey(s.vkey)).size).toBe(3);
    const other = formatCheckpoint({ origin: 'elsewhere', size: 3, root: randomBytes(32), extensions: [] });
    expect(() => openCheckpoint(s.sign(other), parseVkey(s.vkey))).toThrow(/origin/);
  });
});
