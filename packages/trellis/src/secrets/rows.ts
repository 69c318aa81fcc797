/** Row types of the secrets module's tables. */

export interface SecretRow {
  name: string;
  description: string | null;
  /** static (an admin supplies each value) | generated (Trellis makes random values). */
  kind: string;
  current_version: number;
  rotate_every_days: number | null;
  overlap_hours: number | null;
  next_rotation_at: string | null;
  /** 1 when a static secret's scheduled rotation has come and nobody has rotated it yet. */
  rotation_due: number;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
}

export interface SecretVersionRow {
  name: string;
  version: number;
  /** active (the current value) | previous (still valid during an overlap, or until destroyed) | destroyed. */
  state: string;
  /** Id of the master key whose KEK wraps the data key; null once destroyed. */
  kek_id: string | null;
  /** The data key sealed under that KEK; null once destroyed (crypto-shredded). */
  wrapped_dek: string | null;
  /** The value sealed under the data key; null once destroyed. */
  ciphertext: string | null;
  created_at: string;
  created_by: string;
  expires_at: string | null;
  destroyed_at: string | null;
}

declare module '../db/tables.ts' {
  interface Tables {
    secrets: SecretRow;
    secret_versions: SecretVersionRow;
  }
}
