/** Dates of birth: a calendar date (ISO, day/month/year, month/day/year, or with a month name)
 *  is only a date of birth when "dob", "born", "date of birth"… is next to it, so the detector
 *  is keyword-gated and a bare date stays below the default threshold. */
import type { PatternDetector } from '../types.ts';
import { re } from './shared.ts';

const MONTHS = 'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';
const WORDS = ['dob', 'd.o.b', 'date of birth', 'birth date', 'birthdate', 'birthday', 'born', 'geburtsdatum', 'fecha de nacimiento', 'date de naissance', 'data di nascita'];

export const dateOfBirthDetector: PatternDetector = {
  id: 'date-of-birth',
  entity: 'DATE_OF_BIRTH',
  kind: 'pii',
  tag: 'pii.dob',
  keywords: ['dob', 'd.o.b', 'birth', 'born', 'geburt', 'nacimiento', 'naissance', 'nascita'],
  pattern: re(String.raw`(?<![A-Za-z0-9])(?:(?:19|20)\d{2}[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])|(?:0?[1-9]|[12]\d|3[01])[-/.](?:0?[1-9]|[12]\d|3[01])[-/.](?:19|20)?\d{2}|(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)? (?:${MONTHS})\.?,? (?:19|20)\d{2}|(?:${MONTHS})\.? (?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?,? (?:19|20)\d{2})(?![A-Za-z0-9])`, 'i'),
  baseConfidence: 0.2,
  context: WORDS,
  contextConfidence: 0.75,
  description: 'Date of birth (date next to a birth keyword)',
};
