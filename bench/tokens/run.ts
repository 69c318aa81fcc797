/**
 * bench/tokens — access token issuance and verification on one core, beside bare jose.
 *
 *   npx tsx bench/tokens/run.ts [--tokens 20000] [--rounds 5] [--revoked 10000] [--alg EdDSA|ES256|both]
 *
 * - Issuance: `signAccessToken` (the current key from SigningKeys, header {alg, kid, typ})
 *   against `new SignJWT(claims).setProtectedHeader(...).sign(key)` with the same key and
 *   claims.
 * - Verification: `AccessTokenVerifier.verify` with an expected audience (algorithm and typ
 *   rules, kid lookup, iss/aud/exp/nbf/iat, claim shape, and the revocation feed's jti, client,
 *   app and subject checks against a feed holding `--revoked` entries) against
 *   `jwtVerify(token, publicKey, { issuer, audience })` with the same key, on the same tokens.
 *   Tokens are realistic: two audiences, four scopes, token exchange's act and subject claims.
 * - For information, a DPoP-bound token with its proof (no baseline: bare jose does not do DPoP).
 *
 * Each round times Trellis and the baseline alternately, one operation at a time (awaited,
 * so one core); the figures are medians over the rounds, in operations per second of the
 * process's CPU time (wall-clock rates beside them). Keys live in a scratch SQLite
 * database, the feed is loaded from it as a replica starts; nothing is read per operation.
 * Prints one JSON document; `ratio` is Trellis time / jose time (targets: issuance ≤ 2,
 * verification ≤ 1.5).
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { openDatabase, type Database } from '../../packages/trellis/src/db/database.ts';
import type { KeyRing } from '../../packages/trellis/src/module.ts';
import { migrateToLatest } from '../../packages/trellis/src/db/migrate.ts';
import { keysModule, ephemeralKeyRing } from '../../packages/trellis/src/keys/index.ts';
import { auditModule } from '../../packages/trellis/src/audit/index.ts';
import { authModule } from '../../packages/trellis/src/auth/index.ts';
import { AuditLog } from '../../packages/trellis/src/audit/service.ts';
import { Revocations, revocationKinds } from '../../packages/trellis/src/auth/revocations.ts';
import { oauthMigrations } from '../../packages/trellis/src/oauth/migrations.ts';
import { SigningKeys, type SigningAlg } from '../../packages/trellis/src/oauth/signing-keys.ts';
import { AccessTokenVerifier, signAccessToken, type AccessTokenClaims } from '../../packages/trellis/src/oauth/access-token.ts';

const args = process.argv.slice(2);
const arg = (name: string, def: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : def;
};
const TOKENS = Number(arg('tokens', '20000'));
const ROUNDS = Math.max(3, Number(arg('rounds', '5')));
const REVOKED = Number(arg('revoked', '10000'));
const ALGS: SigningAlg[] = arg('alg', 'both') === 'both' ? ['EdDSA', 'ES256'] : [arg('alg', 'EdDSA') as SigningAlg];
const ISSUER = 'https://trellis.example.com';
const AUDIENCE = 'trellis:connector:hr-db';
const URL_ = 'https://trellis.example.com/gateway/hr-db/employees';
const TARGETS = { issue: 2, verify: 1.5 };

function claims(i: number): AccessTokenClaims {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: ISSUER,
    sub: `user:person${i % 500}@example.com`,
    aud: ['trellis:gateway', AUDIENCE],
    client_id: `cli_${(i % 200).toString(16).padStart(20, '0')}`,
    app: `leave-request-${i % 200}`,
    scope: 'connector:hr-db:read connector:hr-db:write apps:read profile',
    jti: randomUUID(),
    iat: now,
    exp: now + 900,
    act: { sub: `cli_${(i % 200).toString(16).padStart(20, '0')}` },
    subject: `user:person${i % 500}@example.com`,
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

/**
 * Operations per second of CPU time (user + system, every thread of the process: WebCrypto
 * runs some jobs off the main thread) — "per second on one core", and steadier than wall time
 * on a machine that is busy with other work. Wall-clock rates are kept beside it.
 */
async function timed(n: number, op: (i: number) => Promise<unknown>): Promise<{ cpu: number; wall: number }> {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await op(i);
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  return { cpu: n / ((c.user + c.system) / 1e6), wall: n / wall };
}

async function benchAlg(alg: SigningAlg, database: Database, keys: KeyRing, audit: AuditLog, revocations: Revocations) {
  const signing = new SigningKeys(database, keys, audit, { alg, rotateAfterMs: 30 * 24 * 3600_000, maxTokenLifetimeMs: 3600_000 });
  await signing.start();
  if (signing.current().alg !== alg) await signing.rotate({ type: 'system', id: 'bench' });
  const verifier = new AccessTokenVerifier(signing, revocations, { issuer: ISSUER });
  const { kid, key } = signing.current();
  const publicKey = signing.verificationKey(kid)!.key;

  const pool = Array.from({ length: Math.min(TOKENS, 2000) }, (_, i) => claims(i));
  const tokens = await Promise.all(pool.map((c) => signAccessToken(signing, c)));
  // Every token passes: the bench measures the full path, not an early refusal.
  for (const t of tokens.slice(0, 50)) {
    const r = await verifier.verify(t, { audience: AUDIENCE });
    if (!('claims' in r)) throw new Error(`bench token refused: ${r.reason}`);
  }

  const issue = { trellis: [] as { cpu: number; wall: number }[], jose: [] as { cpu: number; wall: number }[] };
  const verify = { trellis: [] as { cpu: number; wall: number }[], jose: [] as { cpu: number; wall: number }[] };
  // Warm-up, so neither side pays the JIT in its first round.
  await timed(2000, (i) => signAccessToken(signing, pool[i % pool.length]!));
  await timed(2000, (i) => new SignJWT({ ...pool[i % pool.length]! }).setProtectedHeader({ alg, kid, typ: 'at+jwt' }).sign(key));
  await timed(2000, (i) => verifier.verify(tokens[i % tokens.length]!, { audience: AUDIENCE }));
  await timed(2000, (i) => jwtVerify(tokens[i % tokens.length]!, publicKey, { issuer: ISSUER, audience: AUDIENCE }));
  for (let r = 0; r < ROUNDS; r++) {
    // Alternate which side goes first, so drift in the machine's speed falls on both.
    const sides = r % 2 === 0 ? (['trellis', 'jose'] as const) : (['jose', 'trellis'] as const);
    for (const side of sides) {
      issue[side].push(
        await timed(TOKENS, side === 'trellis' ? (i) => signAccessToken(signing, pool[i % pool.length]!) : (i) => new SignJWT({ ...pool[i % pool.length]! }).setProtectedHeader({ alg, kid, typ: 'at+jwt' }).sign(key)),
      );
    }
    for (const side of sides) {
      verify[side].push(
        await timed(TOKENS, side === 'trellis' ? (i) => verifier.verify(tokens[i % tokens.length]!, { audience: AUDIENCE }) : (i) => jwtVerify(tokens[i % tokens.length]!, publicKey, { issuer: ISSUER, audience: AUDIENCE })),
      );
    }
  }

  // DPoP: each proof is single-use, so proofs are made ahead of the timing.
  const client = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(client.publicKey);
  const jkt = await calculateJwkThumbprint(jwk);
  const bound = await signAccessToken(signing, { ...claims(0), cnf: { jkt } });
  const ath = createHash('sha256').update(bound).digest('base64url');
  const dpopN = Math.min(TOKENS, 5000);
  const proofs = await Promise.all(
    Array.from({ length: dpopN }, () => new SignJWT({ htm: 'GET', htu: URL_, iat: Math.floor(Date.now() / 1000), jti: randomUUID(), ath }).setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk }).sign(client.privateKey)),
  );
  const dpop = await timed(dpopN, async (i) => {
    const r = await verifier.verify(bound, { audience: AUDIENCE, dpop: { proof: proofs[i], method: 'GET', url: URL_ } });
    if (!('claims' in r)) throw new Error(`bench DPoP refused: ${r.reason}`);
  });
  await signing.stop();

  const figures = (x: typeof issue, target: number) => {
    const cpu = { trellis: median(x.trellis.map((r) => r.cpu)), jose: median(x.jose.map((r) => r.cpu)) };
    const wall = { trellis: median(x.trellis.map((r) => r.wall)), jose: median(x.jose.map((r) => r.wall)) };
    const ratio = cpu.jose / cpu.trellis;
    return {
      trellis_per_cpu_s: Math.round(cpu.trellis),
      jose_per_cpu_s: Math.round(cpu.jose),
      ratio: Number(ratio.toFixed(3)),
      target,
      met: ratio <= target,
      wall: { trellis_per_s: Math.round(wall.trellis), jose_per_s: Math.round(wall.jose), ratio: Number((wall.jose / wall.trellis).toFixed(3)) },
      rounds_per_cpu_s: { trellis: x.trellis.map((r) => Math.round(r.cpu)), jose: x.jose.map((r) => Math.round(r.cpu)) },
    };
  };
  return {
    alg,
    issue: figures(issue, TARGETS.issue),
    verify: figures(verify, TARGETS.verify),
    verify_dpop_bound: { trellis_per_cpu_s: Math.round(dpop.cpu), trellis_per_s: Math.round(dpop.wall), proofs: dpopN },
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-tokens-'));
  const database = await openDatabase({ sqliteFile: join(dir, 'trellis.db') });
  try {
    // Only the tables this path touches: keys, audit (key creation is audited), the feed and the signing keys.
    await migrateToLatest(database, [keysModule.migrations!, auditModule.migrations!, authModule.migrations!, oauthMigrations]);
    const keys = ephemeralKeyRing();
    const audit = new AuditLog(database, keys);

    // The feed as a busy installation has it: revoked tokens, clients, apps and people (none of them the bench's).
    const now = Date.now();
    const kinds = revocationKinds.filter((k) => k !== 'api_token' && k !== 'session');
    for (let i = 0; i < REVOKED; i += 1000) {
      const rows = Array.from({ length: Math.min(1000, REVOKED - i) }, (_, j) => ({ kind: kinds[(i + j) % kinds.length]!, ref: `revoked-${i + j}`, revoked_at: now - ((i + j) % 3600) * 1000, reason: 'bench' }));
      await database.db.insertInto('revocations').values(rows).execute();
    }
    const revocations = new Revocations(database, (m) => process.stderr.write(`${m}\n`));
    await revocations.start();

    const results = [];
    for (const alg of ALGS) results.push(await benchAlg(alg, database, keys, audit, revocations));
    await revocations.stop();
    await audit.stop();

    console.log(
      JSON.stringify(
        {
          bench: 'tokens',
          node: process.version,
          cpu: cpus()[0]?.model,
          tokens_per_round: TOKENS,
          rounds: ROUNDS,
          revoked_entries_in_feed: REVOKED,
          results,
          targets: { issue_ratio_max: TARGETS.issue, verify_ratio_max: TARGETS.verify },
          met: results.every((r) => r.issue.met && r.verify.met),
        },
        null,
        2,
      ),
    );
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
