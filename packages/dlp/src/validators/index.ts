/** Built-in validators by name, so an admin's custom detector can pick one (`validator: "luhn"`)
 *  without running code of their own. Each takes the matched value with separators kept and
 *  strips what it does not need. */
import { luhnValid } from './luhn.ts';
import { ibanValid } from './iban.ts';
import { verhoeffValid } from './verhoeff.ts';
import { nhsValid, iso7064Mod11_10Valid } from './mod11.ts';
import { abaValid } from './aba.ts';
import { bitcoinBase58Valid } from './base58check.ts';
import { segwitAddressValid } from './bech32.ts';
import { esNifValid, esNieValid } from './es-nif.ts';
import { itFiscalCodeValid } from './it-fiscal-code.ts';
import { plPeselValid } from './pl-pesel.ts';
import { fiPersonalIdValid } from './fi-personal-id.ts';
import { deTaxIdValid } from './de-tax-id.ts';
import { ukNinoValid } from './uk-nino.ts';
import { auAbnValid } from './au-abn.ts';
import { auAcnValid } from './au-acn.ts';
import { auTfnValid } from './au-tfn.ts';
import { auMedicareValid } from './au-medicare.ts';
import { sgNricValid } from './sg-nric.ts';
import { deaValid } from './dea.ts';
import { inAadhaarValid } from './in-aadhaar.ts';

const digits = (v: string) => v.replace(/\D/g, '');
const alnum = (v: string) => v.replace(/[^A-Za-z0-9]/g, '');

export const builtinValidators = {
  luhn: (v: string) => luhnValid(digits(v)),
  iban: (v: string) => ibanValid(alnum(v)),
  verhoeff: (v: string) => verhoeffValid(digits(v)),
  'uk-nhs': (v: string) => nhsValid(digits(v)),
  'iso7064-mod11-10': (v: string) => iso7064Mod11_10Valid(digits(v)),
  aba: (v: string) => abaValid(digits(v)),
  'bitcoin-base58': (v: string) => bitcoinBase58Valid(v),
  'bitcoin-bech32': (v: string) => segwitAddressValid(v),
  'es-nif': esNifValid,
  'es-nie': esNieValid,
  'it-fiscal-code': itFiscalCodeValid,
  'pl-pesel': (v: string) => plPeselValid(digits(v)),
  'fi-personal-id': fiPersonalIdValid,
  'de-tax-id': (v: string) => deTaxIdValid(digits(v)),
  'uk-nino': ukNinoValid,
  'au-abn': (v: string) => auAbnValid(digits(v)),
  'au-acn': (v: string) => auAcnValid(digits(v)),
  'au-tfn': (v: string) => auTfnValid(digits(v)),
  'au-medicare': (v: string) => auMedicareValid(digits(v)),
  'sg-nric': sgNricValid,
  dea: deaValid,
  'in-aadhaar': (v: string) => inAadhaarValid(digits(v)),
} satisfies Record<string, (value: string) => boolean>;

export type BuiltinValidatorName = keyof typeof builtinValidators;

export function isBuiltinValidator(name: string): name is BuiltinValidatorName {
  return Object.hasOwn(builtinValidators, name);
}
