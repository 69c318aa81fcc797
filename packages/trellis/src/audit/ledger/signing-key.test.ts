import { describe, expect, it } from 'vitest';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyRingFrom } from '../../keys/index.ts';
import { loadConfig } from '../../config.ts';
import { startServer } from '../../server.ts';
import { loadCheckpointSigner, loadSigningSeed, newSigningKey, type SigningKeyOptions } from './signing-key.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'signing-key-'));
const base = (o: Partial<SigningKeyOptions> = {}): SigningKeyOptions => ({ key: '', keyFile: '', origin: '', dev: true, sqliteFile: undefined, keys: keyRingFrom(randomBytes(32)), warn: () => undefined, ...o });

describe('the checkpoint signing key', () => {
  it('outside development mode is required, and the refusal says where to put it and why', () => {
    expect(() => loadSigningSeed(base({ dev: false, sqliteFile: join(dir(), 'trellis.db') }))).toThrow(/TRELLIS_AUDIT_SIGNING_KEY_FILE.*trellis audit keygen.*apart from the database/s);
  });

  it('a server outside development mode without it refuses to start', async () => {
    const err = await startServer(loadConfig({ port: 0, dataDir: dir(), logLevel: 'silent', dev: false }, { env: { TRELLIS_OIDC_ISSUER: 'https://idp.example.test', TRELLIS_OIDC_CLIENT_ID: 'trellis' } }), { out: () => undefined }).then(
      (s) => s.close().then(() => undefined),
      (e: unknown) => e as Error,
    );
    expect(err?.message).toContain('TRELLIS_AUDIT_SIGNING_KEY_FILE');
  });

  it('reads a base64 seed or a PEM key, from the environment or a file, and names a bad one without echoing it', () => {
    const seed = randomBytes(32);
    expect(loadSigningSeed(base({ dev: false, key: seed.toString('base64') }))).toEqual({ seed, source: 'env' });
    const f = join(dir(), 'k');
    writeFileSync(f, newSigningKey() + '\n', { mode: 0o600 });
    expect(loadSigningSeed(base({ dev: false, keyFile: f })).seed.toString('base64')).toBe(readFileSync(f, 'utf8').trim());
    const pem = join(dir(), 'k.pem');
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(pem, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
    const fromPem = loadCheckpointSigner(base({ dev: false, keyFile: pem }));
    expect(fromPem.signer.publicKey.toString('base64')).toBe(Buffer.from(privateKey.export({ format: 'jwk' }).x as string, 'base64url').toString('base64'));
    const rsa = join(dir(), 'rsa.pem');
    writeFileSync(rsa, generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
    expect(() => loadSigningSeed(base({ keyFile: rsa }))).toThrow(/rsa key; checkpoints are signed with Ed25519/);
    const secretish = 'c2VjcmV0LXZhbHVlLW5vdC1hLWtleQ==';
    expect(() => loadSigningSeed(base({ key: secretish }))).toThrow(/TRELLIS_AUDIT_SIGNING_KEY must be base64 of a 32-byte/);
    expect(() => loadSigningSeed(base({ key: secretish }))).not.toThrow(new RegExp(secretish));
    expect(() => loadSigningSeed(base({ keyFile: join(dir(), 'missing') }))).toThrow(/does not exist/);
  });

  it('in development mode on SQLite keeps a key file beside the database, readable by its owner only', () => {
    const d = dir();
    const first = loadCheckpointSigner(base({ sqliteFile: join(d, 'trellis.db') }));
    expect(first.source).toBe('data-dir');
    expect(statSync(join(d, 'audit-signing.key')).mode & 0o777).toBe(0o600);
    expect(loadCheckpointSigner(base({ sqliteFile: join(d, 'trellis.db') })).signer.vkey).toBe(first.signer.vkey);
  });

  it('elsewhere in development mode derives from the installation key, so replicas agree', () => {
    const keys = keyRingFrom(randomBytes(32));
    const a = loadCheckpointSigner(base({ keys }));
    expect(a.source).toBe('derived');
    expect(loadCheckpointSigner(base({ keys })).signer.vkey).toBe(a.signer.vkey);
    expect(a.signer.name).toMatch(/^trellis\/audit\/[0-9a-f]{16}$/);
    expect(loadCheckpointSigner(base({ keys, origin: 'audit.acme.test' })).signer.name).toBe('audit.acme.test');
  });
});
