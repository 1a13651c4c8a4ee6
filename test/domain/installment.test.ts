import { describe, expect, it } from 'vitest';
import { buyerSchema, externalIdSchema, installmentInputSchema, phoneSchema } from '../../domain/installment';

const valid = () => ({
  tenantId: 'acme',
  installmentId: 'inst-42',
  purchaseId: 'pur-7',
  subscriptionId: 'sub:9',
  product: { id: 'course-1', name: 'Guitar course' },
  buyer: {
    id: 'buyer-9',
    name: 'Ana Souza',
    email: 'ana@example.com',
    phone: '+5511987654321',
    whatsapp: '+5511987654321',
    locale: 'pt-BR',
    timezone: 'America/Sao_Paulo',
    country: 'BR',
  },
  amount: { amountMinor: 12_990, currency: 'BRL' },
  installmentNumber: 2,
  installmentCount: 6,
  dueDate: '2026-03-15',
  paymentUrl: 'https://pay.example.com/i/inst-42',
  policyId: 'default',
  metadata: { campaign: 'spring', attempt: 1, vip: false },
});

type Loose = Record<string, unknown>;

function paths(input: unknown): string[] {
  const r = installmentInputSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
}

/** A valid installment with the value at a dotted path replaced (or removed, for `undefined`). */
function withValue(path: string, value: unknown, base: Loose = valid()): Loose {
  const keys = path.split('.');
  let node = base;
  for (const k of keys.slice(0, -1)) node = node[k] as Loose;
  if (value === undefined) delete node[keys[keys.length - 1]!];
  else node[keys[keys.length - 1]!] = value;
  return base;
}

describe('installment input schema', () => {
  it('accepts a complete installment and keeps it as given', () => {
    const r = installmentInputSchema.safeParse(valid());
    expect(r.success).toBe(true);
    expect(r.data).toEqual(valid());
  });

  it('fills defaults: locale en, empty metadata; optional contact points may be absent', () => {
    const v: Loose = valid();
    for (const path of [
      'buyer.locale',
      'buyer.email',
      'buyer.phone',
      'buyer.whatsapp',
      'metadata',
      'purchaseId',
      'subscriptionId',
      'policyId',
    ])
      withValue(path, undefined, v);
    const r = installmentInputSchema.parse(v);
    expect(r.buyer.locale).toBe('en');
    expect(r.metadata).toEqual({});
    expect(r.buyer.email).toBeUndefined();
  });

  it.each([
    ['a negative amount', 'amount.amountMinor', -100],
    ['a zero amount', 'amount.amountMinor', 0],
    ['a fractional amount', 'amount.amountMinor', 129.9],
    ['an amount given as a string', 'amount.amountMinor', '12990'],
    ['a lowercase currency', 'amount.currency', 'brl'],
    ['a currency symbol', 'amount.currency', 'R$'],
    ['a bad email', 'buyer.email', 'ana-at-example.com'],
    ['a phone not in E.164', 'buyer.phone', '11 98765-4321'],
    ['a bad WhatsApp number', 'buyer.whatsapp', '+0123'],
    ['an unknown time zone', 'buyer.timezone', 'America/Atlantis'],
    ['an offset instead of a zone', 'buyer.timezone', '-03:00'],
    ['an unsupported locale', 'buyer.locale', 'de'],
    ['a lowercase country', 'buyer.country', 'br'],
    ['an empty name', 'buyer.name', '   '],
    ['a date that does not exist', 'dueDate', '2026-02-30'],
    ['a date in another format', 'dueDate', '15/03/2026'],
    ['installment number 0', 'installmentNumber', 0],
    ['a fractional installment count', 'installmentCount', 1.5],
    ['an ftp payment URL', 'paymentUrl', 'ftp://pay.example.com/x'],
    ['an installment id with a slash', 'installmentId', 'a/b'],
    ['a tenant id with a space', 'tenantId', 'acme corp'],
    ['an empty product id', 'product.id', ''],
    ['a nested metadata value', 'metadata.nested', { a: 1 }],
  ] as [string, string, unknown][])('rejects %s, naming %s', (_name, path, value) => {
    expect(paths(withValue(path, value))).toContain(path);
  });

  it('rejects installmentNumber greater than installmentCount, naming installmentNumber', () => {
    expect(paths(withValue('installmentNumber', 7, withValue('installmentCount', 6)))).toEqual(['installmentNumber']);
    expect(paths(withValue('installmentNumber', 6, withValue('installmentCount', 6)))).toEqual([]);
  });

  it('rejects more than 50 metadata keys, naming metadata', () => {
    const metadata = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i]));
    expect(paths(withValue('metadata', metadata))).toEqual(['metadata']);
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i]));
    expect(paths(withValue('metadata', fifty))).toEqual([]);
  });

  it('reports several bad fields at once', () => {
    const p = paths(
      withValue('amount.amountMinor', -1, withValue('buyer.email', 'nope', withValue('dueDate', '2026-13-01'))),
    );
    expect(p).toEqual(expect.arrayContaining(['amount.amountMinor', 'buyer.email', 'dueDate']));
  });

  it('building blocks: external ids, phones and buyers', () => {
    expect(externalIdSchema.safeParse('A1._:-x').success).toBe(true);
    expect(externalIdSchema.safeParse('-leading-dash').success).toBe(false);
    expect(externalIdSchema.safeParse('x'.repeat(129)).success).toBe(false);
    expect(phoneSchema.safeParse('+14155550100').success).toBe(true);
    expect(phoneSchema.safeParse('+1415555010012345').success).toBe(false);
    expect(buyerSchema.safeParse({ id: 'b', name: 'B', timezone: 'Asia/Kathmandu' }).success).toBe(true);
  });
});

describe('values the database and the messages could not carry', () => {
  it.each([
    ['buyer.name', 'Ana\u0000Souza'],
    ['buyer.name', 'Ana\nSouza'],
    ['product.name', 'Course\u0007'],
    ['metadata.note', 'tab\there'],
    ['installmentNumber', 3_000_000_000],
    ['installmentCount', 10_001],
    ['dueDate', '1999-12-31'],
    ['dueDate', '2101-01-01'],
    ['metadata.ratio', Number.POSITIVE_INFINITY],
  ])('refuses %s = %j, naming the field', (path, value) => {
    const input = withValue(path, value);
    if (path === 'installmentNumber') (input as Loose).installmentCount = 10_000;
    expect(paths(input)).toContain(path);
  });
});
