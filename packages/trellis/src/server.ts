/**
 * Starts Trellis: opens (and migrates) the database, wires the services, builds the app and
 * listens. In development mode the first start creates a bootstrap admin token and prints it
 * once with the console URL; outside development mode it refuses to start without an identity
 * provider for people to sign in with (sso/). SIGTERM/SIGINT drain: /readyz turns 503, in-flight requests
 * finish (up to the grace period), then the database closes.
 */
import { hasIdentityProvider, type Config } from './config.ts';
import { bindsOnlyLoopback } from './http/loopback.ts';
import { openTrellisDatabase } from './modules.ts';
import { createServices, startModules, stopModules } from './services.ts';
import { loadInstallationKeys } from './keys/index.ts';
import { buildApp } from './app.ts';
import { AppError } from './errors.ts';
import { version } from './version.ts';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export async function startServer(config: Config, opts: { out?: (line: string) => void; handleSignals?: boolean } = {}): Promise<RunningServer> {
  const out = opts.out ?? ((line: string) => process.stdout.write(line + '\n'));
  if (!(await bindsOnlyLoopback(config.host))) {
    if (config.dev) throw new AppError('validation_failed', `development mode serves only loopback addresses; set TRELLIS_DEV=false to listen on ${config.host}`);
    if (!config.trustProxy) throw new AppError('validation_failed', `refusing to listen on ${config.host} without TLS: put Trellis behind a TLS-terminating proxy and set TRELLIS_TRUST_PROXY to its hop count or addresses`);
  }
  const database = await openTrellisDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  // Every replica must hold the installation's key (keys/installation.ts); refuse to start otherwise.
  const keys = await loadInstallationKeys({ database, dev: config.dev, dataDir: config.dataDir, warn: out }).catch(async (err: unknown) => {
    await database.close();
    throw err;
  });
  // People sign in through the IdP outside development mode; without one nobody could (sso/).
  if (!config.dev && !hasIdentityProvider(config)) {
    await database.close();
    throw new AppError(
      'validation_failed',
      'outside development mode Trellis needs an identity provider for sign-in: set TRELLIS_OIDC_ISSUER and TRELLIS_OIDC_CLIENT_ID (and TRELLIS_OIDC_CLIENT_SECRET), or oidc.issuer and oidc.clientId in the config file (docs/sso.md); or run in development mode (TRELLIS_DEV=true)',
    );
  }
  const services = await createServices(database, keys.ring, config);
  await startModules(services);
  // JSON lines for collectors; a person at a development terminal gets one short line per request.
  const human = config.dev && process.stdout.isTTY === true;
  const { app, drain } = await buildApp({ config, services, logger: config.logLevel !== 'silent', logFormat: human ? 'human' : 'json' });
  let address: string;
  try {
    address = await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    await app.close();
    await stopModules(services);
    await database.close();
    throw err;
  }
  // Only once the server listens: a token made before a failed start would be stored but never shown.
  const bootstrap = config.dev ? await services.tokens.ensureBootstrapToken() : undefined;
  const url = address.replace('[::1]', 'localhost');
  // No public URL configured: the address it listens on (known only now when the port is 0) is
  // the issuer of its tokens and the base of its redirect URIs, which read it when they need it.
  if (!config.publicUrl) config.publicUrl = url;
  out(`Trellis ${version} is ready at ${url} (database: ${database.dialect === 'sqlite' ? `SQLite in ${config.dataDir}` : 'PostgreSQL'})`);
  out(`  console:  ${url}/`);
  out(`  API:      ${url}/api/v1  (every call needs a token, the OpenAPI document too:`);
  out(`            curl -H "Authorization: Bearer $TRELLIS_TOKEN" ${url}/api/v1/openapi.json)`);
  if (bootstrap) {
    out('');
    out('  A bootstrap admin token was created. It is shown this once; store it now:');
    out(`    export TRELLIS_TOKEN=${bootstrap}`);
    out('  Create named tokens with `trellis tokens create` and revoke this one when done.');
  }

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      drain();
      const grace = setTimeout(() => app.server.closeAllConnections?.(), config.shutdownGraceSeconds * 1000);
      grace.unref();
      await app.close();
      clearTimeout(grace);
      await stopModules(services);
      await database.close();
    })());

  if (opts.handleSignals) {
    const onSignal = (sig: string) => {
      out(`received ${sig}, draining`);
      close().then(
        () => process.exit(0),
        (err: unknown) => {
          process.stderr.write(`shutdown failed: ${String(err)}\n`);
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', () => onSignal('SIGTERM'));
    process.once('SIGINT', () => onSignal('SIGINT'));
  }
  return { url, close };
}
