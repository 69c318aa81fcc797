/** `trellis serve`: start the server in the foreground. */
import type { Command } from 'commander';

/** Set once the server listens: the entry file must then not exit. */
export const serveState = { running: false };

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('start the Trellis server (SQLite in ./.trellis unless TRELLIS_DATABASE_URL names PostgreSQL)')
    .option('--host <host>', 'address to listen on (env TRELLIS_HOST)')
    .option('--port <port>', 'port to listen on (env TRELLIS_PORT)')
    .option('--data-dir <dir>', 'where the embedded database lives (env TRELLIS_DATA_DIR)')
    .option('--database-url <url>', 'postgres://… to use PostgreSQL (env TRELLIS_DATABASE_URL)')
    .option('--config <file>', 'YAML or JSON config file (default ./trellis.config.yaml when present)')
    .option('--no-dev', 'production mode: no bootstrap token; needs an identity provider (TRELLIS_OIDC_ISSUER, TRELLIS_OIDC_CLIENT_ID; docs/sso.md)')
    .addHelpText('after', '\nExamples:\n  trellis serve\n  trellis serve --port 9090\n  TRELLIS_DATABASE_URL=postgres://localhost/trellis trellis serve')
    .action(async (opts: { host?: string; port?: string; dataDir?: string; databaseUrl?: string; config?: string; dev?: boolean }) => {
      const { loadConfig } = await import('../config.ts');
      const { startServer } = await import('../server.ts');
      const config = loadConfig(
        { host: opts.host, port: opts.port, dataDir: opts.dataDir, databaseUrl: opts.databaseUrl, ...(opts.dev === false ? { dev: false } : {}) },
        opts.config ? { configFile: opts.config } : {},
      );
      await startServer(config, { handleSignals: true });
      serveState.running = true;
      // Keep running: the server's sockets hold the event loop open until a signal.
    });
}
