/** The policy module (C4): `trellis policy test|eval`, the Rego engine from the command line. */
import type { TrellisModule } from '../module.ts';
import { registerPolicyCommands } from './cli.ts';

export const policyModule: TrellisModule = {
  name: 'policy',
  cli: registerPolicyCommands,
};
