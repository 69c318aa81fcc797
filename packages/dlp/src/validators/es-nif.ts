/** Spanish DNI/NIF and NIE: the control letter is TRWAGMYFPDXBNJZSQVHLCKE[number mod 23]; an NIE's
 *  leading X/Y/Z stands for 0/1/2 in that computation. */
const LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

export function esNifValid(value: string): boolean {
  const s = value.toUpperCase().replace(/-/g, '');
  const m = /^(\d{7,8})([A-Z])$/.exec(s);
  if (!m) return false;
  return LETTERS[Number(m[1]) % 23] === m[2];
}

export function esNieValid(value: string): boolean {
  const s = value.toUpperCase().replace(/-/g, '');
  const m = /^([XYZ])(\d{7})([A-Z])$/.exec(s);
  if (!m) return false;
  const n = Number(String('XYZ'.indexOf(m[1]!)) + m[2]);
  return LETTERS[n % 23] === m[3];
}
