/** The built-in detector set: PII/financial detectors defined here plus the secret detectors
 *  from ./secrets. Order only matters for tie-breaking in overlap resolution. */
import type { PatternDetector } from '../types.ts';
import { secretDetectors } from './secrets/index.ts';
import { emailDetector } from './email.ts';
import { phoneDetector } from './phone.ts';
import { creditCardDetector } from './credit-card.ts';
import { ibanDetector } from './iban.ts';
import { usSsnDetector } from './us-ssn.ts';
import { usItinDetector } from './us-itin.ts';
import { usPassportDetector } from './us-passport.ts';
import { usDriverLicenseDetector } from './us-driver-license.ts';
import { abaRoutingDetector } from './aba-routing.ts';
import { usBankNumberDetector } from './us-bank-number.ts';
import { ukNhsDetector } from './uk-nhs.ts';
import { ipv4Detector, ipv6Detector } from './ip-address.ts';
import { urlDetector } from './url.ts';
import { bitcoinBase58Detector, bitcoinBech32Detector, ethereumAddressDetector } from './crypto-wallet.ts';
import { dateOfBirthDetector } from './date-of-birth.ts';
import { medicalLicenseDetector } from './medical-license.ts';
import { esNieDetector, esNifDetector } from './es-nif.ts';
import { itFiscalCodeDetector } from './it-fiscal-code.ts';
import { plPeselDetector } from './pl-pesel.ts';
import { fiPersonalIdDetector } from './fi-personal-id.ts';
import { deTaxIdDetector } from './de-tax-id.ts';
import { ukNinoDetector } from './uk-nino.ts';
import { inPanDetector } from './in-pan.ts';
import { inAadhaarDetector } from './in-aadhaar.ts';
import { inVehicleRegistrationDetector } from './in-vehicle-registration.ts';
import { inVoterDetector } from './in-voter.ts';
import { inPassportDetector } from './in-passport.ts';
import { auAbnDetector } from './au-abn.ts';
import { auAcnDetector } from './au-acn.ts';
import { auTfnDetector } from './au-tfn.ts';
import { auMedicareDetector } from './au-medicare.ts';
import { sgNricDetector } from './sg-nric.ts';
import { sgUenDetector } from './sg-uen.ts';
import { krFrnDetector, krRrnDetector } from './kr-rrn.ts';

export const piiDetectors: PatternDetector[] = [
  emailDetector, phoneDetector, creditCardDetector, ibanDetector, usSsnDetector, usItinDetector,
  usPassportDetector, usDriverLicenseDetector, abaRoutingDetector, usBankNumberDetector,
  ukNhsDetector, ipv4Detector, ipv6Detector, urlDetector, bitcoinBase58Detector,
  bitcoinBech32Detector, ethereumAddressDetector, dateOfBirthDetector, medicalLicenseDetector, esNifDetector, esNieDetector,
  itFiscalCodeDetector, plPeselDetector, fiPersonalIdDetector, deTaxIdDetector, ukNinoDetector,
  inPanDetector, inAadhaarDetector, inVehicleRegistrationDetector, inVoterDetector,
  inPassportDetector, auAbnDetector, auAcnDetector, auTfnDetector, auMedicareDetector,
  sgNricDetector, sgUenDetector, krRrnDetector, krFrnDetector,
];

export const defaultDetectors: PatternDetector[] = [...piiDetectors, ...secretDetectors];

/** Entity names the built-in detectors can report. */
export const supportedEntities: ReadonlySet<string> = new Set(defaultDetectors.map((d) => d.entity));
