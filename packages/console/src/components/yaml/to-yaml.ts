/**
 * A stored manifest (JSON) written back as YAML for reading and diffing. The server keeps
 * manifests as JSON, so the author's comments and layout are gone; this writes a plain, stable
 * layout (keys in stored order, strings quoted only when YAML would misread them) so two
 * versions line up line by line in a diff.
 */

// Plain scalars YAML would read as something else: booleans, null, numbers, or syntax.
const ambiguous = /^(?:true|false|yes|no|on|off|null|~|y|n)$/i;
const numberLike = /^[-+]?(?:\d[\d_]*)?(?:\.\d+)?(?:[eE][-+]?\d+)?$|^0x[0-9a-f]+$|^0o[0-7]+$|^[-+]?\.(?:inf|nan)$/i;
const unsafeStart = /^[\s\-?:,[\]{}#&*!|>'"%@`]/;
const unsafeInside = /: | #|[\n\r\t]|\s$/;

function scalar(value: string | number | boolean | null): string {
  if (value === null) return 'null';
  if (typeof value !== 'string') return String(value);
  if (value === '' || ambiguous.test(value) || numberLike.test(value) || unsafeStart.test(value) || unsafeInside.test(value)) {
    // A JSON string is a valid YAML double-quoted scalar.
    return JSON.stringify(value);
  }
  return value;
}

function isScalar(v: unknown): v is string | number | boolean | null {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function lines(value: unknown, indent: string): string[] {
  if (Array.isArray(value)) {
    if (value.length === 0) return [];
    return value.flatMap((item) => {
      if (isScalar(item)) return [`${indent}- ${scalar(item)}`];
      const inner = lines(item, `${indent}  `);
      if (inner.length === 0) return [`${indent}- ${Array.isArray(item) ? '[]' : '{}'}`];
      // The first line of a nested block sits after the dash.
      return [`${indent}- ${inner[0]!.slice(indent.length + 2)}`, ...inner.slice(1)];
    });
  }
  if (value !== null && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([key, v]) => {
      const k = scalar(key);
      if (isScalar(v)) return [`${indent}${k}: ${scalar(v)}`];
      if (v === undefined) return [];
      const inner = lines(v, `${indent}  `);
      if (inner.length === 0) return [`${indent}${k}: ${Array.isArray(v) ? '[]' : '{}'}`];
      return [`${indent}${k}:`, ...inner];
    });
  }
  return isScalar(value) ? [`${indent}${scalar(value)}`] : [];
}

export function toYaml(value: unknown): string {
  return `${lines(value, '').join('\n')}\n`;
}
