/** Row types of the custom detector registry's table. */

export interface DlpDetectorRow {
  /** The admin's detector id (lower-case words joined by dashes); scans report `custom:<id>`. */
  id: string;
  /** The definition as validated JSON (see dlp/custom.ts `customDetectorSchema`). */
  definition: string;
  /** JSON `{ positive: string[], negative: string[] }`: samples the detector is tested on. */
  samples: string;
  /** draft | active | disabled */
  status: string;
  /** Increases by one on every change; updates must name the version they change. */
  version: number;
  /** JSON test report of the latest definition on its samples (indexes and spans, no text). */
  last_test: string;
  created_by: string;
  /** The creator's display name when the change was made; null for rows from before names were kept. */
  created_by_name: string | null;
  created_at: string;
  updated_by: string;
  updated_by_name: string | null;
  updated_at: string;
}

// The module's tables join the database's type (db/tables.ts) by declaration merging.
declare module '../../db/tables.ts' {
  interface Tables {
    dlp_detectors: DlpDetectorRow;
  }
}

