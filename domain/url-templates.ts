/**
 * A tenant's URL templates: where the payment system's own pages are (the checkout for a chosen
 * amount, the payment-method form), with `{placeholder}`s filled from the installment. The payment
 * system owns those pages — we never see card data — so we only build the link.
 *
 * Values are percent-encoded and inserted in one pass (a value is never read as a placeholder).
 */
export const URL_TEMPLATE_PLACEHOLDERS = [
  'purchaseId',
  'installmentId',
  'installmentNumber',
  'buyerId',
  'amountMinor',
  'currency',
] as const;
export type UrlTemplateValues = Partial<Record<(typeof URL_TEMPLATE_PLACEHOLDERS)[number], string | number>>;

const PLACEHOLDER = /\{(\w+)\}/g;

/** Why a template cannot be used; null when it can. */
export function urlTemplateProblem(template: string): string | null {
  const unknown = [...template.matchAll(PLACEHOLDER)]
    .map((m) => m[1]!)
    .filter((name) => !(URL_TEMPLATE_PLACEHOLDERS as readonly string[]).includes(name));
  if (unknown.length > 0)
    return `has unknown placeholders ${unknown.map((n) => `{${n}}`).join(', ')}; known: ${URL_TEMPLATE_PLACEHOLDERS.map((n) => `{${n}}`).join(', ')}`;
  const sample = fillUrlTemplate(template, Object.fromEntries(URL_TEMPLATE_PLACEHOLDERS.map((n) => [n, 'x1'])));
  let url: URL;
  try {
    url = new URL(sample);
  } catch {
    return 'must be an absolute URL once its placeholders are filled';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an http(s) URL';
  return null;
}

/** The template with each known placeholder replaced by its percent-encoded value. */
export function fillUrlTemplate(template: string, values: UrlTemplateValues): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    const value = (values as Record<string, string | number | undefined>)[name];
    return value === undefined ? whole : encodeURIComponent(String(value));
  });
}
