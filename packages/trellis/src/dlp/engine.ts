/**
 * The DLP engine (@trellis/dlp), loaded by the first request, job or command that needs it, so
 * that a server starts, and `trellis --help` runs, without loading its detectors and RE2.
 */
import type * as Dlp from '@trellis/dlp';

export type DlpEngine = typeof Dlp;

let loaded: DlpEngine | undefined;

export async function dlpEngine(): Promise<DlpEngine> {
  return (loaded ??= await import('@trellis/dlp'));
}
