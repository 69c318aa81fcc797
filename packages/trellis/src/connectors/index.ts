/** The connectors module (see docs/governance.md). */
import type { TrellisModule } from '../module.ts';

export const connectorsModule: TrellisModule = {
  name: 'connectors',
};
