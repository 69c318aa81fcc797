/**
 * The detector form's values and the request body they make. Lists are typed one a line (terms,
 * samples) or comma-separated (keywords, context words), as people write them; empty optional
 * fields are left out so the server applies its defaults.
 */
import type { Detector, DetectorDefinition } from './types.ts';

export interface DetectorDraft {
  id: string;
  entity: string;
  matchBy: 'pattern' | 'terms';
  pattern: string;
  caseInsensitive: boolean;
  terms: string;
  group: number | string;
  validator: string;
  confidence: number | string;
  keywords: string;
  context: string;
  tag: string;
  positive: string;
  negative: string;
}

/** The validators the engine knows by name (packages/dlp/src/validators/index.ts). */
export const validatorNames = ['luhn', 'iban', 'verhoeff', 'uk-nhs', 'iso7064-mod11-10', 'aba', 'bitcoin-base58', 'bitcoin-bech32', 'es-nif', 'es-nie', 'it-fiscal-code', 'pl-pesel', 'fi-personal-id', 'de-tax-id', 'uk-nino', 'au-abn', 'au-acn', 'au-tfn', 'au-medicare', 'sg-nric', 'dea', 'in-aadhaar'] as const;

export const emptyDraft: DetectorDraft = { id: '', entity: '', matchBy: 'pattern', pattern: '', caseInsensitive: false, terms: '', group: '', validator: '', confidence: 0.8, keywords: '', context: '', tag: '', positive: '', negative: '' };

const lines = (s: string) => s.split('\n').map((l) => l.trim()).filter(Boolean);
const commas = (s: string) => s.split(',').map((l) => l.trim()).filter(Boolean);

export function draftOf(d: Detector): DetectorDraft {
  const def = d.definition;
  return {
    id: def.id,
    entity: def.entity,
    matchBy: def.terms ? 'terms' : 'pattern',
    pattern: def.pattern ?? '',
    caseInsensitive: def.caseInsensitive ?? false,
    terms: (def.terms ?? []).join('\n'),
    group: def.group ?? '',
    validator: def.validator ?? '',
    confidence: def.confidence ?? 0.8,
    keywords: (def.keywords ?? []).join(', '),
    context: (def.context ?? []).join(', '),
    tag: def.tag ?? '',
    positive: (d.samples?.positive ?? []).join('\n'),
    negative: (d.samples?.negative ?? []).join('\n'),
  };
}

export interface DetectorBody {
  detector: DetectorDefinition;
  positive: string[];
  negative: string[];
}

export function bodyOf(d: DetectorDraft): DetectorBody {
  const def: DetectorDefinition = { id: d.id.trim(), entity: d.entity.trim() };
  if (d.matchBy === 'terms') def.terms = lines(d.terms);
  else {
    // A pattern is taken as typed: spaces in it are part of the pattern.
    def.pattern = d.pattern;
    if (d.caseInsensitive) def.caseInsensitive = true;
    if (typeof d.group === 'number') def.group = d.group;
  }
  if (d.validator) def.validator = d.validator;
  if (typeof d.confidence === 'number') def.confidence = d.confidence;
  const keywords = commas(d.keywords);
  if (keywords.length > 0) def.keywords = keywords;
  const context = commas(d.context);
  if (context.length > 0) def.context = context;
  if (d.tag.trim()) def.tag = d.tag.trim();
  return { detector: def, positive: lines(d.positive), negative: lines(d.negative) };
}
