/**
 * The `jsonl-file` transport: one OCSF event per line appended to a file on the server, synced
 * to disk (fsync) before the batch counts as delivered, for log shippers (Filebeat, Vector,
 * Fluent Bit) that tail files. The file is rotated when the next batch would take it past
 * `maxBytes`, and at the first write of a new UTC day; rotated files are named
 * `<stem>-<UTC time>.jsonl` (so they sort in time order) and only the newest `keep` are kept.
 */
import { mkdir, open, readdir, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, normalize } from 'node:path';
import { z } from 'zod';
import { DeliveryError, type SinkEvent, type SinkTransport, type TransportKind } from './transport.ts';

const configSchema = z.strictObject({
  path: z
    .string()
    .min(1)
    .max(1024)
    .refine((p) => isAbsolute(p) && normalize(p) === p, 'must be an absolute, normalised path (no .. or //)')
    .refine((p) => /^[A-Za-z0-9._-]+\.jsonl$/.test(basename(p)), 'must name a file ending in .jsonl (letters, digits, . _ -)')
    .meta({ description: 'The file events are appended to; the server creates its directory' }),
  maxBytes: z.int().min(1024).max(1024 ** 4).default(100 * 1024 * 1024).meta({ description: 'Rotate before the file grows past this' }),
  rotateDaily: z.boolean().default(true).meta({ description: 'Rotate at the first write of each UTC day' }),
  keep: z.int().min(0).max(10_000).default(7).meta({ description: 'Rotated files kept; older ones are deleted' }),
  batchSize: z.int().min(1).max(5000).default(500),
});

type JsonlConfig = z.infer<typeof configSchema>;

const utcDay = (d: Date) => d.toISOString().slice(0, 10);
const stampOf = (d: Date) => d.toISOString().replace(/[-:.]/g, '');

class JsonlFileTransport implements SinkTransport {
  private handle: FileHandle | undefined;
  private size = 0;
  /** The UTC day the open file's lines belong to. */
  private day = '';
  private readonly stem: string;

  constructor(private readonly config: JsonlConfig) {
    this.stem = basename(config.path, '.jsonl');
  }

  private async openFile(): Promise<FileHandle> {
    if (this.handle) return this.handle;
    await mkdir(dirname(this.config.path), { recursive: true });
    const handle = await open(this.config.path, 'a', 0o640);
    const s = await handle.stat();
    this.size = s.size;
    // A file left by an earlier run belongs to the day it was last written.
    this.day = s.size > 0 ? utcDay(s.mtime) : utcDay(new Date());
    this.handle = handle;
    return handle;
  }

  /** Rename the current file aside and drop rotated files beyond `keep`. */
  private async rotate(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
    const dir = dirname(this.config.path);
    const now = new Date();
    let target = join(dir, `${this.stem}-${stampOf(now)}.jsonl`);
    for (let n = 1; await exists(target); n++) target = join(dir, `${this.stem}-${stampOf(now)}-${n}.jsonl`);
    await rename(this.config.path, target);
    const rotated = (await readdir(dir)).filter((f) => f.startsWith(`${this.stem}-`) && /-\d{8}T\d{9}Z(?:-\d+)?\.jsonl$/.test(f)).sort();
    for (const old of rotated.slice(0, Math.max(0, rotated.length - this.config.keep))) await unlink(join(dir, old));
  }

  async deliver(events: SinkEvent[]): Promise<void> {
    const data = Buffer.from(events.map((e) => JSON.stringify(e.event) + '\n').join(''));
    try {
      await this.openFile();
      const today = utcDay(new Date());
      if (this.size > 0 && (this.size + data.length > this.config.maxBytes || (this.config.rotateDaily && this.day !== today))) {
        await this.rotate();
        await this.openFile();
      }
      const handle = this.handle!;
      await handle.write(data);
      // Delivered means on disk: a crash after this cannot lose the batch.
      await handle.sync();
      this.size += data.length;
      this.day = today;
    } catch (err) {
      // A full or failing disk may recover; the batch is retried (lines written before the failure may repeat).
      await this.close().catch(() => undefined);
      throw new DeliveryError(`writing ${this.config.path} failed: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, false);
    }
  }

  async close(): Promise<void> {
    const h = this.handle;
    this.handle = undefined;
    await h?.close();
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

export const jsonlFileTransport: TransportKind<typeof configSchema> = {
  type: 'jsonl-file',
  description: 'OCSF 1.3 events, one JSON object per line, appended to a file with rotation',
  configSchema,
  create: (config) => new JsonlFileTransport(config),
};
