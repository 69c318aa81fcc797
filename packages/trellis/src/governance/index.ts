/** The governance module (see docs/governance.md). */
import type { TrellisModule } from '../module.ts';

export const governanceModule: TrellisModule = {
  name: 'governance',
};
