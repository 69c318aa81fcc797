/**
 * The data tag a DLP finding stands for, in the connector catalog's vocabulary — one mapping for
 * every place that turns findings into tags: connector drafts, the export gate and the gateway's
 * response DLP. Any credential is `secret` (the catalog's and the policy pack's tag for
 * credentials; the detector's own `secret.aws`-style tag would slip past a `secret` rule); an
 * entity the catalog names differently maps through the table; else the detector's own tag when
 * it is a valid tag, else `pii.<entity in lower case>`. Undefined only when even that is not a
 * tag (an entity name no detector registry accepts).
 */

/** Engine entity → catalog tag, where the engine's own tag on the detector is not the one wanted. */
const entityTags: Record<string, string> = {
  EMAIL_ADDRESS: 'pii.email',
  PERSON: 'pii.name',
  US_SSN: 'pii.ssn',
  PHONE_NUMBER: 'pii.phone',
  CREDIT_CARD: 'pci.pan',
  IBAN_CODE: 'pci.iban',
  DATE_OF_BIRTH: 'pii.dob',
  IP_ADDRESS: 'pii.ip',
  LOCATION: 'pii.address',
  ADDRESS: 'pii.address',
  UK_NHS: 'phi.nhs',
  MEDICAL_LICENSE: 'phi.license',
  AU_MEDICARE: 'phi.insurance_id',
};

/** The catalog's tag syntax (connectors/schema.ts tagPattern). */
const tagSyntax = /^[a-z][a-z0-9_-]*(\.[a-z0-9_*-]+)*$/;

export function tagOfFinding(f: { entity: string; tag?: string | undefined; kind: string }): string | undefined {
  if (f.kind === 'secret') return 'secret';
  const mapped = entityTags[f.entity];
  if (mapped !== undefined) return mapped;
  if (f.tag !== undefined && tagSyntax.test(f.tag)) return f.tag;
  const own = `pii.${f.entity.toLowerCase()}`;
  return tagSyntax.test(own) ? own : undefined;
}
