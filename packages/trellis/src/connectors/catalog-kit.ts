/**
 * The catalog's manifest machinery (catalog's `loadManifestMachinery`), loaded once, by the
 * first connectors file that needs it — never by the module definition, so a CLI start does not
 * pay for it. Connector manifests are read, located and reported exactly as app manifests are.
 */
import { loadManifestMachinery } from '../catalog/index.ts';

export const {
  actorRef,
  appNameSchema,
  canonicalOwner,
  capErrors,
  compareErrors,
  decodeCursor,
  documentToJs,
  encodeCursor,
  fieldErrorSchema,
  fieldNameSchema,
  formatPath,
  issueToErrors,
  isUniqueViolation,
  locatePath,
  manifestApiVersion,
  manifestInputOf,
  manifestString,
  nodePosition,
  ownerPattern,
  readYaml,
  resourceSchema,
  tooDeepAt,
} = await loadManifestMachinery();
