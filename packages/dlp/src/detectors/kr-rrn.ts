/** Korean Resident Registration Number (citizens, gender digit 1–4) and Foreigner Registration
 *  Number (5–8): YYMMDD-GNNNNNC. A valid date with a failed checksum is still likely real
 *  (numbers issued since 2020 carry no checksum), so it scores 0.5 instead of being dropped. */
import type { PatternDetector } from '../types.ts';
import { krRrnCheck } from '../validators/kr-rrn.ts';
import { NA_GROUPED, NB_GROUPED, digitsOnly, re } from './shared.ts';

function detector(id: string, entity: string, genders: string, context: string[]): PatternDetector {
  return {
    id,
    entity,
    kind: 'pii',
    tag: 'pii.national_id',
    keywords: [],
    anchor: { kind: 'run', minLength: 7, maxLength: 13, before: 7, after: 1 },
    // the number is one 13-digit run, or a 7-digit run right after "YYMMDD-"
    anchorConfidence: (text, start, end) => (end - start === 13 || (end - start === 7 && text.charCodeAt(start - 1) === 45) ? 1 : -1),
    trigger: { minDigits: 13 },
    pattern: re(NB_GROUPED + String.raw`\d{6}-?\d{7}` + NA_GROUPED),
    baseConfidence: 0.9,
    validate: (v) => {
      const r = krRrnCheck(digitsOnly(v), genders);
      return r === 'valid' ? 0.9 : r === 'date-only' ? 0.5 : false;
    },
    context,
    description: `Korean ${entity === 'KR_RRN' ? 'resident' : 'foreigner'} registration number`,
  };
}

export const krRrnDetector = detector('kr-rrn', 'KR_RRN', '1234', ['rrn', '주민등록', 'resident registration']);
export const krFrnDetector = detector('kr-frn', 'KR_FRN', '5678', ['frn', '외국인등록', 'foreigner registration']);
