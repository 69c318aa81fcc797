/**
 * Every failure the DLP engine reports. `code` is a string union so `switch (err.code)` narrows
 * to the subclass. Messages name the field or rule at fault and never include the scanned or
 * transformed value, so an error can be logged without leaking the data it was about.
 */

export type DlpErrorCode =
  | 'DLP_INVALID_PLAN'
  | 'DLP_INVALID_PATTERN'
  | 'DLP_INVALID_DETECTOR'
  | 'DLP_UNKNOWN_VALIDATOR'
  | 'DLP_KEY_MISSING'
  | 'DLP_INVALID_KEY'
  | 'DLP_DETOKENIZE_FAILED'
  | 'DLP_DECRYPT_FAILED'
  | 'DLP_UNSUPPORTED_INPUT'
  | 'DLP_TOO_DEEP'
  | 'DLP_EVAL';

export abstract class DlpError extends Error {
  abstract readonly code: DlpErrorCode;
  override name = 'DlpError';
}

/** A transform plan failed schema validation; `issues` lists `path: message` per problem. */
export class DlpInvalidPlanError extends DlpError {
  readonly code = 'DLP_INVALID_PLAN' as const;
  constructor(readonly issues: string[]) {
    super(`invalid transform plan: ${issues.join('; ')}`);
  }
}

/** A custom detector's regular expression does not compile under RE2. */
export class DlpInvalidPatternError extends DlpError {
  readonly code = 'DLP_INVALID_PATTERN' as const;
  constructor(detectorId: string, reason: string) {
    super(`custom detector "${detectorId}": pattern is not a valid RE2 expression (${reason})`);
  }
}

/** A custom detector definition is malformed. */
export class DlpInvalidDetectorError extends DlpError {
  readonly code = 'DLP_INVALID_DETECTOR' as const;
  constructor(readonly issues: string[]) {
    super(`invalid custom detector: ${issues.join('; ')}`);
  }
}

export class DlpUnknownValidatorError extends DlpError {
  readonly code = 'DLP_UNKNOWN_VALIDATOR' as const;
  constructor(name: string, known: readonly string[]) {
    super(`unknown validator "${name}"; built-in validators: ${known.join(', ')}`);
  }
}

/** An operator needs a key (hash, tokenize, encrypt) and the context gave none. */
export class DlpKeyMissingError extends DlpError {
  readonly code = 'DLP_KEY_MISSING' as const;
  constructor(operator: string) {
    super(`operator "${operator}" needs a key; pass keys in the transform context`);
  }
}

export class DlpInvalidKeyError extends DlpError {
  readonly code = 'DLP_INVALID_KEY' as const;
  constructor(operator: string, requirement: string) {
    super(`operator "${operator}": key ${requirement}`);
  }
}

/** A token could not be reversed (wrong key, or not a token of this scheme). */
export class DlpDetokenizeError extends DlpError {
  readonly code = 'DLP_DETOKENIZE_FAILED' as const;
  constructor(reason: string) {
    super(`cannot detokenize: ${reason}`);
  }
}

/** Ciphertext failed authentication (tampered, truncated or wrong key). */
export class DlpDecryptError extends DlpError {
  readonly code = 'DLP_DECRYPT_FAILED' as const;
  constructor() {
    super('cannot decrypt: ciphertext is malformed, was modified, or the key is wrong');
  }
}

export class DlpUnsupportedInputError extends DlpError {
  readonly code = 'DLP_UNSUPPORTED_INPUT' as const;
  constructor(what: string) {
    super(`unsupported input: ${what}`);
  }
}

/** A JSON record nests deeper than the engine walks. It is refused rather than partly scanned:
 *  fields below the limit would otherwise pass through unscanned and untransformed. */
export class DlpTooDeepError extends DlpError {
  readonly code = 'DLP_TOO_DEEP' as const;
  /** JSON path of the first value past the limit, e.g. `$.a.a[0]`. */
  readonly path: string;
  constructor(path: string, readonly maxDepth: number) {
    super(`the record nests deeper than ${maxDepth} levels at ${path}`);
    this.path = path;
  }
}

export class DlpEvalError extends DlpError {
  readonly code = 'DLP_EVAL' as const;
}
