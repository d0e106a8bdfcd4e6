/**
 * Kazakh 12-digit identification numbers: the IIN of a person and the BIN of an organisation share
 * one check digit. It is the weighted sum of the first 11 digits mod 11 with weights 1..11; when that
 * gives 10, a second pass with weights 3..11,1,2; a second 10 means the number is never issued.
 */
const FIRST = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const SECOND = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];

/** The check digit of 11 digits, or null when no valid number starts with them. */
export function kzCheckDigit(first11: string): number | null {
  if (!/^\d{11}$/.test(first11)) return null;
  const digits = [...first11].map(Number);
  const sum = (weights: number[]) => digits.reduce((acc, d, i) => acc + d * weights[i], 0) % 11;
  let check = sum(FIRST);
  if (check === 10) check = sum(SECOND);
  return check === 10 ? null : check;
}

function checksumValid(value: string): boolean {
  return /^\d{12}$/.test(value) && kzCheckDigit(value.slice(0, 11)) === Number(value[11]);
}

/** An IIN: 12 digits, a birth date (YYMMDD) that can exist, the check digit right. */
export function isValidIin(value: unknown): value is string {
  if (typeof value !== 'string' || !checksumValid(value)) return false;
  const month = Number(value.slice(2, 4));
  const day = Number(value.slice(4, 6));
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/** A BIN: 12 digits, registration month 01-12, the 5th digit a legal-entity type (4, 5 or 6), the check digit right. */
export function isValidBin(value: unknown): value is string {
  if (typeof value !== 'string' || !checksumValid(value)) return false;
  const month = Number(value.slice(2, 4));
  return month >= 1 && month <= 12 && ['4', '5', '6'].includes(value[4]);
}
