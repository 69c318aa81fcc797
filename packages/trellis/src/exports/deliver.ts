/**
 * Delivery of an export that passed the gate, synchronously, to the one way its destination is
 * configured: a POST through egress (Slack and Teams incoming webhooks, a generic webhook), a
 * message through an SMTP relay (its address checked by egress first), or a JSON file written
 * atomically under a directory. Every failure is a DeliveryError naming the destination and
 * what went wrong, never the receiver's URL (it is a secret) or the payload.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { EgressError, egressFetch, resolveChecked, type EgressPolicy, type Resolver } from '../egress/index.ts';
import type { ExportPayload } from './inspect.ts';

export type DestinationSettings =
  | { kind: 'url'; secret: string; allowHosts?: string[] }
  | { kind: 'email'; smtp: { host: string; port: number; tls: 'none' | 'starttls' | 'tls'; from: string } }
  | { kind: 'file'; directory: string };

export interface Delivery {
  id: string;
  app: string;
  destination: string;
  target: string;
  payload: ExportPayload;
  settings: DestinationSettings;
  allowPrivateHost: boolean;
  /** The receiver URL, resolved from the secret store by the caller (url kinds only). */
  url?: string;
}

export interface DeliveryLimits {
  timeoutMs: number;
  maxResponseBytes: number;
  resolver?: Resolver;
}

export class DeliveryError extends Error {}

/** The export as readable text: the app's text, then each record as `key: value` pairs. */
export function renderText(app: string, payload: ExportPayload): string {
  const lines: string[] = [];
  if (payload.text !== undefined && payload.text !== '') lines.push(payload.text);
  for (const r of payload.records ?? []) lines.push(Object.entries(r).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' · '));
  return lines.length > 0 ? lines.join('\n') : `(empty export from ${app})`;
}

/** The JSON document a webhook receives and a file holds. */
export function exportDocument(d: Delivery, at: Date): Record<string, unknown> {
  return { id: d.id, app: d.app, destination: d.destination, target: d.target, created_at: at.toISOString(), ...(d.payload.text !== undefined ? { text: d.payload.text } : {}), ...(d.payload.records ? { records: d.payload.records } : {}) };
}

async function post(d: Delivery, limits: DeliveryLimits, at: Date): Promise<void> {
  const body = d.destination === 'webhook' ? exportDocument(d, at) : { text: renderText(d.app, d.payload) };
  const policy: EgressPolicy = { allowPrivate: d.allowPrivateHost, ...(d.settings.kind === 'url' && d.settings.allowHosts ? { allowHosts: d.settings.allowHosts } : {}) };
  let status: number;
  try {
    const r = await egressFetch({ url: d.url!, method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': d.id }, body: JSON.stringify(body), timeoutMs: limits.timeoutMs, maxResponseBytes: limits.maxResponseBytes, policy, ...(limits.resolver ? { resolver: limits.resolver } : {}) });
    status = r.status;
  } catch (err) {
    if (err instanceof EgressError) throw new DeliveryError(`${d.destination} ${d.target}: ${err.code}: ${err.message}`);
    throw err;
  }
  if (status < 200 || status > 299) throw new DeliveryError(`${d.destination} ${d.target}: the receiver answered HTTP ${status}`);
}

async function mail(d: Delivery & { settings: { kind: 'email' } }, limits: DeliveryLimits, at: Date): Promise<void> {
  const { smtp } = d.settings;
  let address: string;
  try {
    // The relay's name is resolved and checked once; the connection goes to that address.
    address = (await resolveChecked(smtp.host, { allowPrivate: d.allowPrivateHost }, limits.resolver)).address;
  } catch (err) {
    if (err instanceof EgressError) throw new DeliveryError(`email ${d.target}: ${err.code}: ${err.message}`);
    throw err;
  }
  const nodemailer = await import('nodemailer');
  const transport = nodemailer.createTransport({
    host: address,
    port: smtp.port,
    secure: smtp.tls === 'tls',
    requireTLS: smtp.tls === 'starttls',
    ignoreTLS: smtp.tls === 'none',
    tls: { servername: smtp.host },
    connectionTimeout: limits.timeoutMs,
    greetingTimeout: limits.timeoutMs,
    socketTimeout: limits.timeoutMs,
  });
  try {
    await transport.sendMail({
      from: smtp.from,
      to: d.target,
      subject: `Export from ${d.app}`,
      text: renderText(d.app, d.payload),
      messageId: `<${d.id}@trellis>`,
      ...(d.payload.records ? { attachments: [{ filename: `${d.app}-${d.id}.json`, content: JSON.stringify(exportDocument(d, at), null, 2), contentType: 'application/json' }] } : {}),
    });
  } catch (err) {
    throw new DeliveryError(`email ${d.target}: the relay refused or failed: ${(err as Error).message}`);
  } finally {
    transport.close();
  }
}

/** `<directory>/<app>/<yyyy-mm-dd>/<uuid>.json`, written under a temporary name and renamed, so a reader never sees half a file. */
async function file(d: Delivery & { settings: { kind: 'file' } }, at: Date): Promise<string> {
  const dir = join(d.settings.directory, d.app, at.toISOString().slice(0, 10));
  const name = `${randomUUID()}.json`;
  try {
    await mkdir(dir, { recursive: true, mode: 0o750 });
    const tmp = join(dir, `.${name}.tmp`);
    await writeFile(tmp, JSON.stringify(exportDocument(d, at), null, 2) + '\n', { mode: 0o640, flag: 'wx' });
    await rename(tmp, join(dir, name));
  } catch (err) {
    throw new DeliveryError(`file ${d.target}: writing under the configured directory failed: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return join(d.app, at.toISOString().slice(0, 10), name);
}

/** Delivers; resolves to where it went (a file's path under the directory), or throws DeliveryError. */
export async function deliver(d: Delivery, limits: DeliveryLimits, at = new Date()): Promise<{ location?: string }> {
  switch (d.settings.kind) {
    case 'url':
      await post(d, limits, at);
      return {};
    case 'email':
      await mail(d as Delivery & { settings: { kind: 'email' } }, limits, at);
      return {};
    case 'file':
      return { location: await file(d as Delivery & { settings: { kind: 'file' } }, at) };
  }
}
