/**
 * SCIM's own error format (RFC 7644 §3.12): routes under /scim/v2 answer with it instead of
 * RFC 9457 problem details, because IdP provisioning clients read `scimType` and `status`.
 */
export const scimErrorSchema = 'urn:ietf:params:scim:api:messages:2.0:Error';

export type ScimType = 'invalidFilter' | 'invalidSyntax' | 'invalidValue' | 'invalidPath' | 'noTarget' | 'uniqueness' | 'mutability' | 'tooMany' | 'invalidVers' | 'sensitive';

export class ScimError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly scimType?: ScimType,
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return { schemas: [scimErrorSchema], status: String(this.status), ...(this.scimType ? { scimType: this.scimType } : {}), detail: this.message };
  }
}

export const badRequest = (scimType: ScimType, message: string) => new ScimError(400, message, scimType);
export const notFound = (what: string) => new ScimError(404, `${what} not found`);
