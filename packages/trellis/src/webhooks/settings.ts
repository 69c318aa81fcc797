/**
 * The module's one setting, `TRELLIS_WEBHOOK_ALLOW_PRIVATE`, read from the environment when the
 * services are made (as the key module reads TRELLIS_MASTER_KEY): the server's config object does
 * not reach module services. Read as strictly as config.ts reads booleans — true|false|1|0 — so a
 * value like `yes` stops the start instead of quietly meaning something.
 */
import { AppError } from '../errors.ts';

export const allowPrivateEnv = 'TRELLIS_WEBHOOK_ALLOW_PRIVATE';

export function allowPrivateFromEnv(env: NodeJS.ProcessEnv): boolean {
  const raw = env[allowPrivateEnv];
  if (raw === undefined || raw === '') return false;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new AppError('validation_failed', `${allowPrivateEnv} must be true, false, 1 or 0`, { errors: [{ path: allowPrivateEnv, message: 'must be true, false, 1 or 0' }] });
}
