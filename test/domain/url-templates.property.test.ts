import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fillUrlTemplate, urlTemplateProblem } from '../../domain/url-templates';

describe('URL templates', () => {
  const template = 'https://pay.example.com/checkout/{purchaseId}/{installmentNumber}?amount={amountMinor}';

  // Values are ids as the API accepts them (externalIdSchema): letters, digits, '.', '_', ':' and '-'.
  it('fills each placeholder with its value, percent-encoded, and the link stays on the template’s host and path', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,40}$/),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1 }),
        (purchaseId, n, amount) => {
          const url = new URL(fillUrlTemplate(template, { purchaseId, installmentNumber: n, amountMinor: amount }));
          expect(url.host).toBe('pay.example.com');
          const [, , id, number] = url.pathname.split('/');
          expect(decodeURIComponent(id!)).toBe(purchaseId);
          expect(number).toBe(String(n));
          expect(url.searchParams.get('amount')).toBe(String(amount));
        },
      ),
    );
  });

  it('accepts known placeholders in an http(s) URL and names what is wrong otherwise', () => {
    expect(urlTemplateProblem(template)).toBeNull();
    expect(urlTemplateProblem('https://x.example/{buyerId}/{installmentId}/{currency}')).toBeNull();
    expect(urlTemplateProblem('https://x.example/{cvv}')).toMatch(/unknown placeholders \{cvv\}/);
    expect(urlTemplateProblem('{purchaseId}')).toMatch(/absolute URL/);
    expect(urlTemplateProblem('ftp://x.example/{purchaseId}')).toMatch(/http\(s\)/);
  });
});
