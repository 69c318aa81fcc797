/** Finnish personal identity code (henkilötunnus), including the 2023 century signs. The shape
 *  is distinctive, so it is found even when glued to a preceding word. */
import type { PatternDetector } from '../types.ts';
import { fiPersonalIdValid } from '../validators/fi-personal-id.ts';
import { re } from './shared.ts';

/** The century sign (and the letters of the 2023 reform) that follows the date digits. */
const FI_SIGN = /^[-+A-FU-Ya-fu-y]$/;

export const fiPersonalIdDetector: PatternDetector = {
  id: 'fi-personal-id',
  entity: 'FI_PERSONAL_IDENTITY_CODE',
  kind: 'pii',
  tag: 'pii.national_id',
  keywords: [],
  // anchor: the six birth-date digits are one run; sign, serial and check follow
  anchor: { kind: 'run', minLength: 6, maxLength: 6, before: 0, after: 8 },
  // the century sign follows the six date digits
  anchorConfidence: (text, _start, end) => (FI_SIGN.test(text.charAt(end)) ? 1 : -1),
  trigger: { minDigits: 9 },
  pattern: re(String.raw`(?<![0-9])\d{6}[-+A-FU-Ya-fu-y]\d{3}[0-9A-Ya-y](?![A-Za-z0-9])`),
  baseConfidence: 0.95,
  validate: fiPersonalIdValid,
  context: ['hetu', 'henkilötunnus', 'personal identity'],
  description: 'Finnish personal identity code',
};
