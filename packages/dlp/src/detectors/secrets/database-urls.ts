/**
 * Credentials embedded in URLs and connection strings: `scheme://user:password@host` for
 * PostgreSQL, MySQL/MariaDB, MongoDB (`mongodb+srv`), Redis, AMQP/RabbitMQ, SQL Server, and any
 * other URL with userinfo (RFC 3986 §3.2.1); JDBC `password=` parameters; ADO.NET/ODBC
 * `Password=…;` connection strings; Sidekiq Enterprise credentials. The reported value is the
 * password (for generic URLs the whole userinfo, since tokens are often sent as the user name).
 * Default or placeholder passwords (`password`, the user name repeated, `${DB_PASS}`) are test
 * values, not live secrets.
 */
import type { PatternDetector } from '../../types.ts';
import { isPlaceholder } from './util.ts';

const TAG = 'secret.database';

/** Passwords that name a password instead of being one, or ship as product defaults. */
const DEFAULT_PASSWORDS = new Set([
  'password', 'pass', 'passwd', 'pwd', 'secret', 'changeme', 'user', 'username', 'root', 'admin', 'guest', 'test',
  'postgres', 'mysql', 'redis', 'rabbitmq', 'mongo', 'mongodb', 'sa', 'default', 'pw', 'p', 'x', 'xxx', 'foo', 'bar', 'none', 'null',
  'unused', 'anonymous', 'dbpass', 'dbpassword', 'mypassword', 'yourpassword', 'db_password', 'pass123', 'password1',
]);

/** True for placeholder or default URL passwords. */
export function isDefaultPassword(password: string, user = ''): boolean {
  const p = decodeURIComponentSafe(password).toLowerCase();
  if (DEFAULT_PASSWORDS.has(p) || p === user.toLowerCase()) return true;
  if (/^[*x•.]+$/i.test(p) || /^%[a-z0-9_]+%$/.test(p) || /^\$/.test(p) || /^:/.test(p)) return true;
  return isPlaceholder(p);
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function urlPassword(id: string, schemes: string, keywords: string[], description: string): PatternDetector {
  return {
    id, entity: 'SECRET', kind: 'secret', tag: TAG, keywords,
    pattern: new RegExp(String.raw`\b(?:${schemes})://[^\s:@/'"<>\x60]{0,64}:([^\s@/'"<>\x60]{1,128})@[A-Za-z0-9._\[\]-]{1,253}`, 'gi'),
    group: 1, baseConfidence: 0.9, minEntropy: 1.5, isTestValue: (v) => isDefaultPassword(v),
    description,
  };
}

export const databaseUrlDetectors: PatternDetector[] = [
  urlPassword('postgres-url-password', String.raw`postgres(?:ql)?(?:\+\w{1,20})?|postgis|pgsql`, ['postgres', 'postgis', 'pgsql'], 'Password in a PostgreSQL connection URL'),
  urlPassword('mysql-url-password', String.raw`mysql(?:x|\+\w{1,20})?|mariadb`, ['mysql', 'mariadb'], 'Password in a MySQL / MariaDB connection URL'),
  urlPassword('mongodb-url-password', String.raw`mongodb(?:\+srv)?`, ['mongodb'], 'Password in a MongoDB connection URL'),
  urlPassword('redis-url-password', 'rediss?', ['redis'], 'Password in a Redis connection URL'),
  urlPassword('amqp-url-password', 'amqps?', ['amqp'], 'Password in an AMQP (RabbitMQ) connection URL'),
  urlPassword('mssql-url-password', String.raw`mssql(?:\+\w{1,20})?|sqlserver|oracle(?:\+\w{1,20})?|db2|cockroachdb|clickhouse|couchbase|neo4j(?:\+s)?|bolt|cassandra|nats|kafka|mqtts?|ldaps?|smtps?|imaps?|sftp|ftps?`, ['mssql', 'sqlserver', 'oracle', 'db2', 'cockroach', 'clickhouse', 'couchbase', 'neo4j', 'bolt', 'cassandra', 'nats', 'kafka', 'mqtt', 'ldap', 'smtp', 'imap', 'ftp'], 'Password in a database, broker, directory or mail server URL'),
  {
    id: 'url-basic-auth', entity: 'SECRET', kind: 'secret', tag: 'secret.url', keywords: ['://'],
    // The whole userinfo is reported: services often take a token as the user name (`https://TOKEN:x@…`).
    pattern: /\bhttps?:\/\/([A-Za-z0-9._~%!$&'*+,;=-]{1,128}:[A-Za-z0-9._~%!$&'*+,;=@-]{1,128})@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}\b/g,
    group: 1, baseConfidence: 0.8, minEntropy: 2,
    // A default password is fine when the user name is itself a token (`https://<token>:x@host`).
    validate: (v) => {
      const [user = '', pass = ''] = v.split(':');
      return !isDefaultPassword(pass, user) || (user.length >= 16 && !isPlaceholder(user));
    },
    isTestValue: (v) => {
      const [user = '', pass = ''] = v.split(':');
      return isDefaultPassword(pass, user) && isPlaceholder(user);
    },
    description: 'Credentials in the userinfo of an HTTP(S) URL',
  },
  {
    id: 'jdbc-url-password', entity: 'SECRET', kind: 'secret', tag: TAG, keywords: ['jdbc:'],
    pattern: /\bjdbc:[a-z0-9]{2,20}:[^\s'"<>]{0,200}?[?;&]password=([^\s;&'"<>]{1,128})/gi,
    group: 1, baseConfidence: 0.85, minEntropy: 1.5, isTestValue: (v) => isDefaultPassword(v),
    description: 'Password parameter in a JDBC URL',
  },
  {
    id: 'sql-connection-string-password', entity: 'SECRET', kind: 'secret', tag: TAG, keywords: ['password=', 'pwd='],
    pattern: /\b(?:Server|Data Source|Host|Address|Addr|DSN|Driver)=[^;\n'"]{1,200};[^\n'"]{0,300}?\b(?:Password|Pwd)=([^;\n'"<>]{1,128})/gi,
    group: 1, baseConfidence: 0.85, minEntropy: 1.5, isTestValue: (v) => isDefaultPassword(v.trim()),
    description: 'Password in an ADO.NET / ODBC connection string',
  },
  {
    id: 'sidekiq-secret', entity: 'SECRET', kind: 'secret', tag: 'secret.sidekiq',
    keywords: ['bundle_enterprise__contribsys__com', 'bundle_gems__contribsys__com'],
    pattern: /(?:BUNDLE_ENTERPRISE__CONTRIBSYS__COM|BUNDLE_GEMS__CONTRIBSYS__COM)[ \t\w.-]{0,20}[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}([a-f0-9]{8}:[a-f0-9]{8})(?:[\x60'"\s;,)}\]<&]|\\[nrt]|$)/gi,
    group: 1, baseConfidence: 0.9, isTestValue: isPlaceholder,
    description: 'Sidekiq Enterprise / Pro gem server credentials',
  },
  {
    id: 'sidekiq-sensitive-url', entity: 'SECRET', kind: 'secret', tag: 'secret.sidekiq', keywords: ['gems.contribsys.com', 'enterprise.contribsys.com'],
    pattern: /\bhttps?:\/\/([a-f0-9]{8}:[a-f0-9]{8})@(?:gems|enterprise)\.contribsys\.com(?:[/#?:]|$)/gi,
    group: 1, baseConfidence: 0.9, isTestValue: isPlaceholder,
    description: 'Sidekiq gem server URL with credentials',
  },
];
