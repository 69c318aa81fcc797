/** Indian vehicle registration marks: state code, district number, series letters and a
 *  four-digit number (e.g. KA 01 AB 1234). Older layouts (three letters and four digits) are
 *  kept as weak guesses. */
import type { PatternDetector } from '../types.ts';
import { isAsciiLetter, re } from './shared.ts';

const STATES = 'AN|AP|AR|AS|BR|CG|CH|DD|DL|DN|GA|GJ|HP|HR|JH|JK|KA|KL|LA|LD|MH|ML|MN|MP|MZ|NL|OD|OR|PB|PY|RJ|SK|TN|TR|TS|UK|UP|WB';

export const inVehicleRegistrationDetector: PatternDetector = {
  id: 'in-vehicle-registration',
  entity: 'IN_VEHICLE_REGISTRATION',
  kind: 'pii',
  tag: 'pii.vehicle',
  keywords: [],
  // anchor: the final four-digit run; state code, district and series letters come before
  anchor: { kind: 'run', minLength: 4, maxLength: 4, before: 10, after: 1 },
  // the four digits follow a letter, ' ' or '-' and end the plate
  anchorConfidence: (text, start, end) => { const c = text.charCodeAt(start - 1); return ((c >= 65 && c <= 90) || c === 32 || c === 45) && !isAsciiLetter(text.charCodeAt(end)) ? 1 : -1; },
  trigger: { minDigits: 4 },
  pattern: re(String.raw`(?<![A-Za-z0-9])(?:(?:${STATES})[ \-]?\d{1,2}[ \-]?[A-Z]{1,3}[ \-]?\d{4}|(?:${STATES})\d{4}|[A-Z]{3}\d{4})(?![A-Za-z0-9])`),
  baseConfidence: 0.8,
  validate: (v) => (/^[A-Z]{2}[ -]?\d{1,2}[ -]?[A-Z]/.test(v) ? 0.8 : /^[A-Z]{3}/.test(v) ? 0.2 : 0.05),
  context: ['vehicle', 'registration', 'number plate', 'rc'],
  description: 'Indian vehicle registration',
};
