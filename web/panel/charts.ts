/**
 * The overview's charts, drawn on the server: a vega-lite spec compiled to vega and rendered to SVG
 * without a canvas or a browser, inlined in the page (no script runs there). The SVG is made to fit
 * the page's CSP (no `style` attribute survives) and carries its own accessible name; the numbers
 * it draws go beside it as a table, for screen readers and for reading without CSS.
 */
import * as vega from 'vega';
import { type TopLevelSpec, compile } from 'vega-lite';
import { escapeHtml } from '../../domain/html';
import type { Locale } from '../../domain/locales';

export interface ChartTable {
  headers: string[];
  rows: string[][];
}

export interface Chart {
  /** The heading above the chart, also the SVG's accessible name. */
  title: string;
  /** What the chart shows, read after its name. */
  description: string;
  /** Null when there is nothing to draw: the page says so instead of showing empty axes. */
  svg: string | null;
  table: ChartTable;
}

/** Dark enough for 3:1 against white (WCAG 1.4.11); the table and the legend carry the words. */
export const SERIES_COLOURS = ['#0b57d0', '#135c2b', '#8c1d18'] as const;

const CHART_CONFIG = {
  // The SVG is one image with a name of ours: vega's own per-mark ARIA would be read inside it.
  aria: false,
  font: 'system-ui, sans-serif',
  axis: { labelFontSize: 12, titleFontSize: 12, labelColor: '#1b1f24', titleColor: '#1b1f24', gridColor: '#e3e6ea' },
  legend: { labelFontSize: 12, labelLimit: 0, labelColor: '#1b1f24', titleColor: '#1b1f24', orient: 'bottom' },
  view: { stroke: null },
} as const;

/** vega re-exports vega-format's `locale`, which its typings leave out. */
const vegaLocale = (vega as unknown as { locale: (number: object) => vega.LocaleFormatters }).locale;

export const CHART_WIDTH = 560;
export const CHART_HEIGHT = 220;

/** Draws `spec` (its size and config are ours) as an SVG named `title`, numbers written for `locale`. */
export async function drawChart(
  spec: TopLevelSpec,
  { title, description, locale }: { title: string; description: string; locale: Locale },
): Promise<string> {
  const full = { width: CHART_WIDTH, height: CHART_HEIGHT, ...spec, config: CHART_CONFIG } as TopLevelSpec;
  const view = new vega.View(vega.parse(compile(full).spec), {
    renderer: 'none',
    locale: vegaLocale(numberLocale(locale)),
  });
  try {
    return nameSvg(stripStyles(await view.toSVG()), title, description);
  } finally {
    view.finalize();
  }
}

/**
 * Removes inline `style` attributes and elements: the pages' CSP (`style-src 'self'`) would block
 * them and report each one. Vega writes attribute values escaped, so a quote always ends one.
 */
export function stripStyles(svg: string): string {
  return svg.replace(/\sstyle="[^"]*"/g, '').replace(/<style[\s\S]*?<\/style>/g, '');
}

/**
 * The root `<svg>` becomes one image with a name and a description. The roles and ARIA vega still
 * writes on some marks go: inside an image they would be nameless images of their own.
 */
function nameSvg(drawn: string, title: string, description: string): string {
  const svg = drawn.replace(/\s(role|aria-[a-z]+)="[^"]*"/g, '');
  const open = svg.indexOf('>');
  const root = svg
    .slice(0, open)
    .replace(/\s(width|height)="[^"]*"/g, '')
    .replace('class="marks"', 'class="chart__svg"');
  return (
    `${root} role="img" aria-label="${escapeHtml(title)}" focusable="false">` +
    `<title>${escapeHtml(title)}</title><desc>${escapeHtml(description)}</desc>${svg.slice(open + 1)}`
  );
}

/** d3-format's number locale from Intl's separators, so axis labels read "1.234,5" in Portuguese. */
function numberLocale(locale: Locale) {
  const parts = new Intl.NumberFormat(locale, { useGrouping: true }).formatToParts(12_345.6);
  return {
    decimal: parts.find((p) => p.type === 'decimal')?.value ?? '.',
    thousands: parts.find((p) => p.type === 'group')?.value ?? ',',
    grouping: [3],
    currency: ['', ''] as [string, string],
    percent: locale === 'en' ? '%' : '\u202f%',
  };
}
