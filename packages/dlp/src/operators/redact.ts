/** Redaction: the value disappears entirely. */
export function redact(): string {
  return '';
}
