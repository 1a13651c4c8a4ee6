import { describe, expect, it } from 'vitest';
import { type RoutingDraft, routeInstallment, routingDraftSchema, ruleMatches } from '../../domain/segments';
import { installmentFixture } from '../support/arbitraries';

// The fixture: product course-1, 100.00 BRL, buyer in BR, installment 2 of 6, no metadata.
const installment = installmentFixture();
const withMetadata = { ...installment, metadata: { tier: 'vip', trial: false } };

const routing = (rules: RoutingDraft['rules']): RoutingDraft => routingDraftSchema.parse({ rules });
const rule = (id: string, when: object, policyId = 'gentle') => ({ id, name: id, when, policyId });

describe('segment routing', () => {
  it('picks the first rule that matches, whatever later rules say', () => {
    const doc = routing([
      rule('other-product', { productIds: ['course-2'] }, 'p1'),
      rule('brazil', { countries: ['BR'] }, 'p2'),
      rule('everyone', {}, 'p3'),
    ]);
    expect(routeInstallment(doc, installment)?.id).toBe('brazil');
    expect(routeInstallment(doc, installment)?.policyId).toBe('p2');
  });

  it('falls back to the tenant default (no rule) when nothing matches, and with no rules at all', () => {
    expect(routeInstallment(routing([rule('usd', { currencies: ['USD'] })]), installment)).toBeNull();
    expect(routeInstallment(routing([]), installment)).toBeNull();
  });

  it.each([
    ['the product', { productIds: ['course-1'] }, true],
    ['another product', { productIds: ['course-9'] }, false],
    [
      'an amount range that holds the amount (inclusive)',
      { amount: { currency: 'BRL', minMinor: 10_000, maxMinor: 10_000 } },
      true,
    ],
    ['an amount below the range', { amount: { currency: 'BRL', minMinor: 10_001 } }, false],
    ['an amount above the range', { amount: { currency: 'BRL', maxMinor: 9_999 } }, false],
    ['the same amount in another currency', { amount: { currency: 'USD', minMinor: 1 } }, false],
    ['the currency', { currencies: ['USD', 'BRL'] }, true],
    ['the country', { countries: ['BR'] }, true],
    ['another country', { countries: ['PT'] }, false],
    ['an installment number range', { installmentNumber: { min: 2, max: 3 } }, true],
    ['an installment number range after it', { installmentNumber: { min: 3 } }, false],
    ['a metadata key that exists', { metadata: [{ key: 'tier' }] }, true],
    ['a metadata key that does not', { metadata: [{ key: 'segment' }] }, false],
    ['a metadata value', { metadata: [{ key: 'tier', equals: 'vip' }] }, true],
    ['another metadata value', { metadata: [{ key: 'tier', equals: 'gold' }] }, false],
    ['a boolean metadata value, compared as a boolean', { metadata: [{ key: 'trial', equals: 'false' }] }, false],
    ['every condition together', { countries: ['BR'], currencies: ['BRL'], metadata: [{ key: 'tier' }] }, true],
    ['all but one condition', { countries: ['BR'], currencies: ['USD'] }, false],
  ])('matches %s: %j → %s', (_what, when, expected) => {
    const parsed = routing([rule('r', when)]).rules[0]!;
    expect(ruleMatches(parsed.when, withMetadata)).toBe(expected);
  });

  it('does not match a buyer without a country against a country list', () => {
    const { country: _country, ...buyer } = installment.buyer;
    expect(ruleMatches({ countries: ['BR'] }, { ...installment, buyer })).toBe(false);
  });
});

describe('the routing document', () => {
  const paths = (input: unknown) =>
    routingDraftSchema
      .safeParse(input)
      .error?.issues.map((i) => ({ path: i.path.join('.'), code: i.code, keys: (i as { keys?: string[] }).keys }));

  it.each([
    [{ rules: [], segment: 'x' }, '', ['segment']],
    [{ rules: [{ ...rule('a', {}), priority: 1 }] }, 'rules.0', ['priority']],
    [{ rules: [rule('a', { country: ['BR'] })] }, 'rules.0.when', ['country']],
    [{ rules: [rule('a', { amount: { currency: 'BRL', min: 1 } })] }, 'rules.0.when.amount', ['min']],
    [{ rules: [rule('a', { metadata: [{ key: 'tier', value: 'vip' }] })] }, 'rules.0.when.metadata.0', ['value']],
  ])('refuses an unknown field by name instead of dropping it (%j)', (input, path, keys) => {
    expect(paths(input)).toEqual([{ path, code: 'unrecognized_keys', keys }]);
  });

  it('refuses two rules with one id, an upside-down range, and an unknown currency, each by its path', () => {
    expect(
      paths({
        rules: [
          rule('a', { amount: { currency: 'BRL', minMinor: 5, maxMinor: 4 } }),
          rule('a', { installmentNumber: { min: 3, max: 2 }, currencies: ['XYZ'] }),
        ],
      })?.map((i) => i.path),
    ).toEqual([
      'rules.0.when.amount.maxMinor',
      'rules.1.when.currencies.0',
      'rules.1.when.installmentNumber.max',
      'rules.1.id',
    ]);
  });
});
