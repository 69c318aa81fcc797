/** The webhooks module (see docs/governance.md). */
import type { TrellisModule } from '../module.ts';

export const webhooksModule: TrellisModule = {
  name: 'webhooks',
};
