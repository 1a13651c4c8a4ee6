/**
 * SMS segment counting (GSM 03.38 / 3GPP TS 23.038). Pure: what a carrier bills for a text.
 *
 * - A text made only of the GSM-7 basic set and its extension table is sent as GSM-7: a basic
 *   character is 1 unit (septet), an extension character (`^{}\[~]|€` and form feed) is 2
 *   (escape + character).
 * - Anything else forces UCS-2 for the whole text, counted in UTF-16 code units (an emoji or other
 *   astral character is a surrogate pair: 2 units).
 * - One segment holds 160 GSM-7 / 70 UCS-2 units. A longer text is split into parts of 153 / 67
 *   units (the rest is the concatenation header), and a part never ends between the two units
 *   of a GSM escape pair or of a surrogate pair: such a character moves whole to the next part.
 * - The empty text is 0 segments: it is not a message (providers refuse an empty body), so it
 *   costs nothing.
 */

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsSegmentCount {
  encoding: SmsEncoding;
  /** Septets for GSM-7, UTF-16 code units for UCS-2. */
  units: number;
  segments: number;
}

/** The GSM 03.38 default alphabet, in code order (0x00–0x7F, minus 0x1B, the escape). */
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
    '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);

/** The extension table: each is sent as escape + character, 2 septets. */
const GSM_EXTENSION = new Set('\f^{}\\[~]|€');

export const SMS_LIMITS = {
  'GSM-7': { single: 160, part: 153 },
  'UCS-2': { single: 70, part: 67 },
} as const;

/** Units of each character (code point) of `text` in `encoding`. */
function unitSizes(text: string, encoding: SmsEncoding): number[] {
  const sizes: number[] = [];
  // for…of walks code points; a lone surrogate comes out alone, as 1 code unit.
  for (const ch of text) sizes.push(encoding === 'GSM-7' ? (GSM_EXTENSION.has(ch) ? 2 : 1) : ch.length);
  return sizes;
}

/** True when every character of `text` can be sent in GSM-7 (basic set or extension table). */
export function isGsm7(text: string): boolean {
  for (const ch of text) if (!GSM_BASIC.has(ch) && !GSM_EXTENSION.has(ch)) return false;
  return true;
}

export function smsSegments(text: string): SmsSegmentCount {
  const encoding: SmsEncoding = isGsm7(text) ? 'GSM-7' : 'UCS-2';
  const sizes = unitSizes(text, encoding);
  const units = sizes.reduce((sum, n) => sum + n, 0);
  const limits = SMS_LIMITS[encoding];
  if (units === 0) return { encoding, units, segments: 0 };
  if (units <= limits.single) return { encoding, units, segments: 1 };
  // Multipart: fill each part greedily; a 2-unit character that does not fit starts the next part.
  let segments = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > limits.part) {
      segments++;
      used = 0;
    }
    used += size;
  }
  return { encoding, units, segments };
}
