/** Replacement with a label such as `<EMAIL_ADDRESS>`, so readers know what was there. */
export function replaceWithLabel(entity: string, label?: string): string {
  return label ?? `<${entity}>`;
}
