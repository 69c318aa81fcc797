/**
 * The secret store as the gateway uses it (services.secrets, design.md's contract): values are
 * resolved from the store's in-memory cache per call, and each call's audit event names the
 * secrets it used by name and version — never their values.
 */
export interface SecretUse {
  app?: string;
  connector?: string;
  purpose: 'gateway' | 'lease' | 'export' | 'oauth2';
  subject?: string;
}
export interface ResolvedSecret {
  name: string;
  version: number;
  value: string;
}
export interface SecretReader {
  resolve(name: string, use: SecretUse): Promise<ResolvedSecret>;
  onChange?(listener: (name: string) => void): void;
}
