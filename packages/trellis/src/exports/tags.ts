/**
 * The data tag of a DLP finding, in the connector catalog's vocabulary: the detector's own tag
 * (EMAIL_ADDRESS → pii.email, US_SSN → pii.ssn), else `secret` for a credential and
 * `pii.<entity in lower case>` for anything else (a custom detector without a tag). The export
 * gate and the gateway's response DLP both read findings through it.
 */
export function tagOfFinding(f: { entity: string; tag?: string | undefined; kind: string }): string {
  if (f.tag) return f.tag;
  if (f.kind === 'secret') return 'secret';
  return `pii.${f.entity.toLowerCase()}`;
}
