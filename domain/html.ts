/** HTML helpers for message content. Pure string functions, safe for the workflow sandbox. */

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for an HTML text node or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}

/**
 * `value` when it is an absolute http(s) URL fit for an href (a host, no whitespace or control
 * characters), else null: anything else (javascript:, data:, relative, garbage) is shown as text.
 * The result must still be escaped when written into an attribute.
 */
export function httpUrl(value: string): string | null {
  // eslint-disable-next-line no-control-regex
  return /^https?:\/\/[^\s/?#]+([/?#]\S*)?$/i.test(value) && !/[\u0000-\u001f\u007f]/.test(value) ? value : null;
}
