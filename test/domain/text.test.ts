import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { spreadsheetSafe } from '../../domain/spreadsheet';
import { ILL_FORMED_TEXT, inputShapeProblem, plainTextSchema, textProblem } from '../../domain/text';

/** A string with one lone surrogate somewhere in it. */
const withLoneSurrogate = fc
  .tuple(fc.string({ maxLength: 8 }), fc.integer({ min: 0xd800, max: 0xdfff }), fc.string({ maxLength: 8 }))
  .map(([before, unit, after]) => `${before}${String.fromCharCode(unit)}${after}`);

const FORBIDDEN_CODE_POINTS = [
  ...Array.from({ length: 0x20 }, (_, i) => i),
  ...Array.from({ length: 0xa0 - 0x7f }, (_, i) => 0x7f + i),
  ...[0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069],
];

describe('the text rule', () => {
  it('refuses every string holding a lone surrogate', () => {
    fc.assert(
      fc.property(withLoneSurrogate, (text) => {
        expect(textProblem(text)).toBe(ILL_FORMED_TEXT);
        expect(plainTextSchema(200).safeParse(`Ana ${text}`).success).toBe(false);
      }),
    );
  });

  it('refuses every C0 and C1 control, DEL and bidirectional override, wherever it sits', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FORBIDDEN_CODE_POINTS),
        fc.string({ maxLength: 6 }),
        fc.string({ maxLength: 6 }),
        (codePoint, before, after) => {
          expect(textProblem(`${before}${String.fromCodePoint(codePoint)}${after}`)).not.toBeNull();
        },
      ),
    );
  });

  it('accepts well-formed text of any script, emoji included', () => {
    const clean = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 30 })
      .filter((s) => ![...s].some((c) => FORBIDDEN_CODE_POINTS.includes(c.codePointAt(0)!)));
    fc.assert(
      fc.property(clean, (text) => {
        expect(textProblem(text)).toBeNull();
      }),
    );
    for (const name of ['Ana Souza', 'Zoë 🧾', 'محمد', '山田太郎', 'José\u00a0María'])
      expect(plainTextSchema(200).safeParse(name).success).toBe(true);
  });
});

describe('the shape of an input', () => {
  const nested = (depth: number): unknown => {
    let value: unknown = 'x';
    for (let i = 0; i < depth; i++) value = { a: value };
    return value;
  };

  it('accepts nesting up to the limit and refuses one level more, naming where', () => {
    expect(inputShapeProblem(nested(31))).toBeNull();
    expect(inputShapeProblem(nested(33))).toMatchObject({ path: Array(32).fill('a').join('.') });
  });

  it('refuses absurd nesting without overflowing the stack', () => {
    expect(inputShapeProblem(nested(100_000))?.message).toMatch(/nested at most 32/);
  });

  it('refuses an input with too many values', () => {
    expect(inputShapeProblem(Array.from({ length: 300_000 }, () => 1))?.message).toMatch(/at most 250000 values/);
  });

  it('names the value or the key holding a lone surrogate, at any depth', () => {
    fc.assert(
      fc.property(withLoneSurrogate, fc.boolean(), (bad, asKey) => {
        const item = asKey ? { metadata: { [bad]: 'v' } } : { metadata: { note: bad } };
        const found = inputShapeProblem({ items: [{ ok: 'yes' }, item] });
        expect(found?.path).toBe(asKey ? 'items.1.metadata' : 'items.1.metadata.note');
        expect(found?.message).toMatch(/lone surrogate/);
      }),
    );
  });
});

describe('cells written for spreadsheets', () => {
  /** A cell a spreadsheet runs: after blanks and quotes, a formula sign (a leading ' makes it text). */
  const FORMULA = /^[\s"]*[=+\-@]/;
  /** Every cell a spreadsheet might see, splitting on `,`, `;` or tabs. */
  const cellsOf = (text: string) => text.split(/[;,\t]/);

  it('leaves no cell, however a spreadsheet splits it, that starts a formula', () => {
    const piece = fc.oneof(
      fc.constantFrom('=', '+', '-', '@', ';', ',', '\t', '\r', ' ', '"', "'", 'HYPERLINK("x")', 'cmd|'),
      fc.string({ maxLength: 4 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (pieces) => {
        const safe = spreadsheetSafe(pieces.join(''));
        for (const cell of cellsOf(safe)) expect(cell).not.toMatch(FORMULA);
      }),
      { numRuns: 2_000 },
    );
  });

  it('makes the cases the probe found inert', () => {
    expect(spreadsheetSafe('  =1+1')).toBe("  '=1+1");
    expect(spreadsheetSafe('" =HYPERLINK("http://x")')).toBe(`" '=HYPERLINK("http://x")`);
    expect(spreadsheetSafe('row 3;=HYPERLINK("http://x")')).toBe(`row 3;'=HYPERLINK("http://x")`);
    expect(spreadsheetSafe('Ana Souza')).toBe('Ana Souza');
  });
});
