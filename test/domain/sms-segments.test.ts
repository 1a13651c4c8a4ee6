import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isGsm7, smsSegments } from '../../domain/sms-segments';

// Hand-written from GSM 03.38: the default alphabet and the extension table.
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENSION = '\f^{}\\[~]|€';
const gsmChar = fc.constantFrom(...GSM_BASIC, ...GSM_EXTENSION);
const gsmText = fc.string({ unit: gsmChar, maxLength: 500 });
const anyText = fc.string({ unit: 'binary', maxLength: 400 });

describe('smsSegments: hand-checked facts', () => {
  it('GSM-7: 160 characters are one segment, 161 are two (153 per part), 306 two, 307 three', () => {
    expect(smsSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(smsSegments('a'.repeat(161))).toEqual({ encoding: 'GSM-7', units: 161, segments: 2 });
    expect(smsSegments('a'.repeat(306)).segments).toBe(2);
    expect(smsSegments('a'.repeat(307)).segments).toBe(3);
  });

  it('UCS-2: 70 characters are one segment, 71 are two (67 per part), 134 two, 135 three', () => {
    expect(smsSegments('á'.repeat(70))).toEqual({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(smsSegments('á'.repeat(71))).toEqual({ encoding: 'UCS-2', units: 71, segments: 2 });
    expect(smsSegments('á'.repeat(134)).segments).toBe(2);
    expect(smsSegments('á'.repeat(135)).segments).toBe(3);
  });

  it('an extension character (€, [, ~, form feed…) stays GSM-7 and counts 2', () => {
    expect(smsSegments('€')).toEqual({ encoding: 'GSM-7', units: 2, segments: 1 });
    expect(smsSegments('10 €')).toEqual({ encoding: 'GSM-7', units: 5, segments: 1 });
    for (const ch of '^{}\\[~]|\f') expect(smsSegments(ch).units).toBe(2);
    expect(smsSegments('€'.repeat(80))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(smsSegments('€'.repeat(81)).segments).toBe(2);
  });

  it('accented letters outside the basic set force UCS-2; those inside do not', () => {
    expect(smsSegments('é è à ù ì ò ñ ü Ç').encoding).toBe('GSM-7');
    expect(smsSegments('ç').encoding).toBe('UCS-2'); // only the capital Ç is in GSM 03.38
    expect(smsSegments('ã').encoding).toBe('UCS-2');
    expect(smsSegments('`').encoding).toBe('UCS-2');
    expect(smsSegments('1\u00a0234').encoding).toBe('UCS-2'); // a no-break space is not GSM
  });

  it('an emoji forces UCS-2 and counts 2 units (a surrogate pair)', () => {
    expect(smsSegments('😀')).toEqual({ encoding: 'UCS-2', units: 2, segments: 1 });
    expect(smsSegments(`${'a'.repeat(68)}😀`)).toEqual({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(smsSegments(`${'a'.repeat(69)}😀`)).toEqual({ encoding: 'UCS-2', units: 71, segments: 2 });
  });

  it('an escape pair is never split across parts', () => {
    // 152 + 2 + 152 = 306 units: two parts by arithmetic, but € cannot start at unit 153 of part one.
    expect(smsSegments(`${'a'.repeat(152)}€${'a'.repeat(152)}`)).toEqual({
      encoding: 'GSM-7',
      units: 306,
      segments: 3,
    });
    expect(smsSegments(`${'a'.repeat(151)}€${'a'.repeat(153)}`)).toEqual({
      encoding: 'GSM-7',
      units: 306,
      segments: 2,
    });
  });

  it('a surrogate pair is never split across parts', () => {
    expect(smsSegments(`${'á'.repeat(66)}😀${'á'.repeat(66)}`)).toEqual({ encoding: 'UCS-2', units: 134, segments: 3 });
    expect(smsSegments(`${'á'.repeat(65)}😀${'á'.repeat(67)}`)).toEqual({ encoding: 'UCS-2', units: 134, segments: 2 });
  });

  it('the empty text is no message: 0 segments', () => {
    expect(smsSegments('')).toEqual({ encoding: 'GSM-7', units: 0, segments: 0 });
  });
});

describe('smsSegments: properties', () => {
  it('GSM text is never reported as UCS-2, and counts 1 unit per basic and 2 per extension character', () => {
    fc.assert(
      fc.property(gsmText, (text) => {
        const r = smsSegments(text);
        expect(r.encoding).toBe('GSM-7');
        expect(isGsm7(text)).toBe(true);
        const extensions = [...text].filter((ch) => GSM_EXTENSION.includes(ch)).length;
        expect(r.units).toBe(text.length + extensions);
      }),
      { numRuns: 300 },
    );
  });

  it('UCS-2 counts UTF-16 code units', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const r = smsSegments(text);
        if (r.encoding === 'UCS-2') expect(r.units).toBe(text.length);
      }),
      { numRuns: 300 },
    );
  });

  it('segments never decrease when text is appended (whatever the encoding)', () => {
    fc.assert(
      fc.property(fc.oneof(gsmText, anyText), fc.oneof(gsmText, anyText), (a, b) => {
        expect(smsSegments(a + b).segments).toBeGreaterThanOrEqual(smsSegments(a).segments);
      }),
      { numRuns: 500 },
    );
  });

  it('one segment exactly when the units fit the single limit; parts always hold the units', () => {
    fc.assert(
      fc.property(fc.oneof(gsmText, anyText), (text) => {
        const { encoding, units, segments } = smsSegments(text);
        const [single, part] = encoding === 'GSM-7' ? [160, 153] : [70, 67];
        expect(segments === 0).toBe(units === 0);
        expect(segments === 1).toBe(units > 0 && units <= single);
        if (segments > 1) {
          expect(segments).toBeGreaterThanOrEqual(Math.ceil(units / part));
          // A moved 2-unit character wastes at most one unit per part.
          expect(segments).toBeLessThanOrEqual(Math.ceil(units / (part - 1)));
        }
      }),
      { numRuns: 500 },
    );
  });
});
