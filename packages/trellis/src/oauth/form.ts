/**
 * Request parameters of the OAuth endpoints: an `application/x-www-form-urlencoded` body read
 * with URLSearchParams. A parameter may appear once (RFC 6749 §3.2), except `resource` and
 * `audience`, which RFC 8707 and RFC 8693 let a client repeat.
 */
import { OAuthError } from './protocol-errors.ts';

const REPEATABLE = new Set(['resource', 'audience']);
/** Longest value of any one parameter; tokens and assertions are far shorter. */
const MAX_VALUE = 16_384;

export class FormParams {
  private constructor(private readonly values: Map<string, string[]>) {}

  static parse(body: string): FormParams {
    const values = new Map<string, string[]>();
    for (const [k, v] of new URLSearchParams(body)) {
      if (v.length > MAX_VALUE) throw new OAuthError('invalid_request', `parameter ${k.slice(0, 64)} is too long`);
      const list = values.get(k);
      if (list) list.push(v);
      else values.set(k, [v]);
    }
    return new FormParams(values);
  }

  /** The parameter's one value, undefined when absent (an empty value counts as absent). */
  get(name: string): string | undefined {
    const list = this.values.get(name);
    if (!list) return undefined;
    if (list.length > 1 && !REPEATABLE.has(name)) throw new OAuthError('invalid_request', `parameter ${name} appears more than once`);
    return list[0] === '' ? undefined : list[0];
  }

  all(name: string): string[] {
    return (this.values.get(name) ?? []).filter((v) => v !== '');
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }
}
