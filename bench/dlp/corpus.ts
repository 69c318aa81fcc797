/**
 * Deterministic benchmark corpus for the DLP engine: logs, JSON records, CSV and prose with
 * planted PII (Luhn-valid cards, e-mails, SSNs, mod-97-valid IBANs, phone numbers) and secrets
 * (documented token formats filled with seeded random characters) at recorded offsets.
 * The same seed and size always give byte-identical files.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prng } from '../../packages/dlp/src/test-support.ts';

// The engine's tests and these benches draw from one seeded generator.
export { prng };

export interface Planted {
  file: string;
  start: number;
  end: number;
  /** Entity the engine should report (`CREDIT_CARD`, `SECRET`, …). */
  entity: string;
  /** For secrets, the rule that should fire. */
  kind: string;
  value: string;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';
const WORDS = ('the of and to in is was for on that with as by at from this be are have not or it an which but had were all their '
  + 'request service user order account payment report status update system data record customer invoice shipment '
  + 'pipeline deploy cluster region latency cache queue worker retry timeout response handler session browser '
  + 'quarterly revenue meeting policy review approval manager team project budget schedule vendor contract').split(' ');
const FIRST = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'oscar', 'peggy', 'trent'];
// Made-up but ordinary domains: reserved ones (example.org, .test) are rightly treated as test data.
const DOMAINS = ['quintelmail.com', 'brightsea.net', 'mail.acmetools.io', 'northwindtraders.biz', 'larkspur.co.uk'];

class Gen {
  constructor(private readonly rnd: () => number) {}
  int(n: number): number {
    return Math.floor(this.rnd() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  str(n: number, alphabet = ALNUM): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[this.int(alphabet.length)];
    return s;
  }
  digits(n: number): string {
    return this.str(n, '0123456789');
  }
  words(n: number): string {
    const w: string[] = [];
    for (let i = 0; i < n; i++) w.push(this.pick(WORDS));
    return w.join(' ');
  }
  card(): string {
    const body = `4${this.digits(14)}`;
    return body + luhnDigit(body);
  }
  ssn(): string {
    const area = 100 + this.int(565); // 100–664: avoids 000, 666, 9xx
    return `${area}-${String(10 + this.int(89))}-${String(1000 + this.int(8999))}`;
  }
  iban(): string {
    const bban = this.digits(18); // German layout: 8-digit bank code + 10-digit account
    return `DE${ibanCheck('DE', bban)}${bban}`;
  }
  phone(): string {
    return `+1 ${200 + this.int(700)}-${200 + this.int(700)}-${1000 + this.int(8999)}`;
  }
  email(): string {
    return `${this.pick(FIRST)}.${this.str(5, 'abcdefghijklmnopqrstuvwxyz')}@${this.pick(DOMAINS)}`;
  }
}

function luhnDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = body.charCodeAt(body.length - 1 - i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

function ibanCheck(country: string, bban: string): string {
  const rearranged = `${bban}${country}00`.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let rem = 0;
  for (const ch of rearranged) rem = (rem * 10 + (ch.charCodeAt(0) - 48)) % 97;
  return String(98 - rem).padStart(2, '0');
}

/** Secret generators: [rule, assignment text builder]. */
function secretMakers(g: Gen): Array<() => { rule: string; value: string; line: (v: string) => string }> {
  return [
    () => ({ rule: 'github-pat', value: `ghp_${g.str(36)}`, line: (v) => `GITHUB_TOKEN=${v}` }),
    () => ({ rule: 'aws-access-token', value: `AKIA${g.str(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`, line: (v) => `aws_access_key_id = ${v}` }),
    () => ({ rule: 'slack-bot-token', value: `xoxb-${g.str(12, '123456789')}-${g.str(12, '123456789')}-${g.str(24)}`, line: (v) => `"slack": "${v}"` }),
    () => ({ rule: 'stripe-access-token', value: `sk_live_${g.str(24)}`, line: (v) => `stripe.api_key = '${v}'` }),
    () => ({ rule: 'gcp-api-key', value: `AIza${g.str(35, `${ALNUM}-_`)}`, line: (v) => `"apiKey": "${v}",` }),
    () => ({ rule: 'openai-api-key', value: `sk-proj-${g.str(58)}T3BlbkFJ${g.str(58)}`, line: (v) => `OPENAI_API_KEY=${v}` }),
    () => ({ rule: 'gitlab-pat', value: `glpat-${g.str(20)}`, line: (v) => `token: ${v}` }),
    () => ({ rule: 'npm-access-token', value: `npm_${g.str(36)}`, line: (v) => `//registry.npmjs.org/:_authToken=${v}` }),
    () => ({ rule: 'sendgrid-api-token', value: `SG.${g.str(22)}.${g.str(43)}`, line: (v) => `SENDGRID_API_KEY="${v}"` }),
    () => ({ rule: 'postgres-url-password', value: g.str(18), line: (v) => `DATABASE_URL=postgres://app:${v}@db.internal:5432/app` }),
    () => ({ rule: 'generic-api-key', value: g.str(32), line: (v) => `client_secret = "${v}"` }),
    () => ({ rule: 'digitalocean-pat', value: `dop_v1_${g.str(64, HEX)}`, line: (v) => `DO_TOKEN=${v}` }),
  ];
}

export interface CorpusOptions {
  dir: string;
  sizeBytes: number;
  seed: number;
  /** One planted value per this many bytes, on average. */
  plantEvery?: number;
}

/** Writes logs.log, records.jsonl, table.csv and prose.txt (a quarter of the size each). */
export function generateCorpus(opts: CorpusOptions): { files: string[]; planted: Planted[] } {
  const g = new Gen(prng(opts.seed));
  const planted: Planted[] = [];
  const plantEvery = opts.plantEvery ?? 20_000;
  const secrets = secretMakers(g);
  mkdirSync(opts.dir, { recursive: true });
  const kinds = ['log', 'jsonl', 'csv', 'prose'] as const;
  const names: Record<(typeof kinds)[number], string> = { log: 'logs.log', jsonl: 'records.jsonl', csv: 'table.csv', prose: 'prose.txt' };
  const files: string[] = [];
  for (const kind of kinds) {
    const file = names[kind];
    const target = Math.floor(opts.sizeBytes / kinds.length);
    const parts: string[] = [];
    let len = 0;
    let nextPlant = g.int(plantEvery);
    if (kind === 'csv') {
      const header = 'id,name,email,city,amount,note\n';
      parts.push(header);
      len += header.length;
    }
    while (len < target) {
      let line: string;
      let plant: { entity: string; kind: string; value: string; at: number } | null = null;
      const wantPlant = len >= nextPlant;
      // A planted value goes into an otherwise ordinary line of this file's shape.
      const pv = wantPlant ? plantValue(g, secrets) : null;
      switch (kind) {
        case 'log': {
          const ts = `2024-0${1 + g.int(9)}-1${g.int(9)}T0${g.int(9)}:${10 + g.int(49)}:${10 + g.int(49)}.${g.digits(3)}Z`;
          const prefix = `${ts} ${g.pick(['INFO', 'WARN', 'DEBUG', 'ERROR'])} [${g.pick(['api', 'worker', 'billing', 'auth'])}] req=${g.str(12, HEX)} `;
          const body = pv ? pv.text : `${g.words(6 + g.int(8))} latency_ms=${g.int(900)} status=${g.pick([200, 201, 204, 404, 500])}`;
          line = prefix + body + '\n';
          if (pv) plant = { ...pv, at: prefix.length + pv.offset };
          break;
        }
        case 'jsonl': {
          const prefix = `{"id":${g.int(1e9)},"ts":${1700000000 + g.int(1e7)},"user":"${g.pick(FIRST)}","event":"${g.pick(WORDS)}","note":"`;
          const body = pv ? pv.text.replace(/"/g, "'") : g.words(5 + g.int(10));
          line = `${prefix}${body}","amount":${g.int(100000) / 100}}\n`;
          if (pv) plant = { ...pv, at: prefix.length + pv.offset };
          break;
        }
        case 'csv': {
          const prefix = `${g.int(1e7)},${g.pick(FIRST)} ${g.pick(FIRST)},`;
          const body = pv ? `"${pv.text.replace(/"/g, "'")}"` : `${g.pick(['Berlin', 'Austin', 'Lyon', 'Osaka', 'Leeds'])},${g.int(10000)}.${g.digits(2)},${g.words(4)}`;
          line = `${prefix}${body}\n`;
          if (pv) plant = { ...pv, at: prefix.length + 1 + pv.offset };
          break;
        }
        default: {
          const sentence = `${g.words(10 + g.int(15))}. `;
          const body = pv ? `${pv.text}. ` : '';
          line = sentence + body + (g.int(6) === 0 ? '\n\n' : '');
          if (pv) plant = { ...pv, at: sentence.length + pv.offset };
        }
      }
      if (plant) {
        planted.push({ file, start: len + plant.at, end: len + plant.at + plant.value.length, entity: plant.entity, kind: plant.kind, value: plant.value });
        nextPlant = len + plantEvery / 2 + g.int(plantEvery);
      }
      parts.push(line);
      len += line.length;
    }
    const path = join(opts.dir, file);
    writeFileSync(path, parts.join(''));
    files.push(path);
  }
  return { files, planted };
}

/** A short text holding one planted value, and the value's offset within it. */
function plantValue(g: Gen, secrets: ReturnType<typeof secretMakers>): { text: string; offset: number; entity: string; kind: string; value: string } {
  const which = g.int(10);
  const wrap = (label: string, value: string, entity: string, kind: string) => {
    const text = `${label} ${value}`;
    return { text, offset: label.length + 1, entity, kind, value };
  };
  switch (which) {
    case 0: return wrap('paid with card', g.card(), 'CREDIT_CARD', 'card');
    case 1: return wrap('contact', g.email(), 'EMAIL_ADDRESS', 'email');
    case 2: return wrap('ssn', g.ssn(), 'US_SSN', 'ssn');
    case 3: return wrap('iban', g.iban(), 'IBAN_CODE', 'iban');
    case 4: return wrap('call', g.phone(), 'PHONE_NUMBER', 'phone');
    default: {
      const s = secrets[g.int(secrets.length)]!();
      const text = s.line(s.value);
      return { text, offset: text.indexOf(s.value), entity: 'SECRET', kind: s.rule, value: s.value };
    }
  }
}
