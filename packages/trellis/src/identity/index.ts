/**
 * The identity module (C6, people): the directory of people and groups, provisioned by the IdP through SCIM 2.0; their attributes for ABAC; the departed-owner cascade.
 */
import type { TrellisModule } from '../module.ts';

export const identityModule: TrellisModule = {
  name: 'identity',
};
