/**
 * The GET form of filters above the overview and the tracking table: every field with its label,
 * its value as typed, and the problem to fix next to it; the period presets as links.
 */
import { CHANNEL_NAMES } from '../../domain/channels';
import { ENTRY_STANDINGS } from '../../domain/ledger';
import type { LocalDate } from '../../domain/local-time';
import type { PanelCopy } from './copy/types';
import { type FilterField, PERIOD_PRESETS, type ReadFilters, filterQuery, presetPeriod } from './filters';

export interface FormField {
  name: FilterField;
  /** The element id ("filter-from"); the error's id is `${id}-error`. */
  id: string;
  label: string;
  kind: 'date' | 'text' | 'select';
  value: string;
  hint: string | null;
  options: { value: string; label: string; selected: boolean }[];
  error: string | null;
  /** Attributes of a text field that help a phone's keyboard. */
  maxlength: number | null;
}

export interface FilterForm {
  action: string;
  legend: string;
  /** Above the form when a field is wrong, linking to the first one. */
  problemSummary: { text: string; href: string } | null;
  /** Problems of what the form does not show (a page link's cursor): said above it. */
  linkProblems: string[];
  fields: FormField[];
  presetsLabel: string;
  presets: { href: string; label: string; current: boolean }[];
  apply: string;
  clear: { href: string; label: string };
  /** `lang` as the page was asked for, kept by the form's submit; null = the browser's choice. */
  lang: string | null;
}

/** Which filters a page offers; the tracking page adds standing and buyer. */
export type FormKind = 'overview' | 'tracking';

const FIELDS: Record<FormKind, readonly FilterField[]> = {
  overview: ['from', 'to', 'product', 'country', 'policy', 'channel', 'currency'],
  tracking: ['from', 'to', 'product', 'country', 'policy', 'channel', 'currency', 'standing', 'buyer'],
};

export function presentFilterForm(
  kind: FormKind,
  read: ReadFilters,
  { path, today, lang, copy }: { path: string; today: LocalDate; lang: string | null; copy: PanelCopy },
): FilterForm {
  const f = copy.filters;
  const errorOf = (name: FilterField) => {
    const found = read.problems.find((p) => p.field === name);
    return found ? copy.problems[found.problem] : null;
  };
  const choice = (name: FilterField, options: readonly string[], labelOf: (v: string) => string) =>
    [{ value: '', label: f.any }, ...options.map((value) => ({ value, label: labelOf(value) }))].map((o) => ({
      ...o,
      selected: o.value === read.values[name],
    }));
  const field = (name: FilterField, label: string, more: Partial<FormField> = {}): FormField => ({
    name,
    id: `filter-${name}`,
    label,
    kind: 'text',
    value: read.values[name],
    hint: null,
    options: [],
    error: errorOf(name),
    maxlength: 200,
    ...more,
  });
  const all: Record<Exclude<FilterField, 'cursor'>, FormField> = {
    from: field('from', f.from, { kind: 'date', maxlength: null }),
    to: field('to', f.to, { kind: 'date', maxlength: null }),
    product: field('product', f.product),
    country: field('country', f.country, { hint: f.countryHint, maxlength: 2 }),
    policy: field('policy', f.policy),
    channel: field('channel', f.channel, {
      kind: 'select',
      options: choice('channel', CHANNEL_NAMES, (c) => copy.channels[c as keyof PanelCopy['channels']]),
    }),
    currency: field('currency', f.currency, { maxlength: 3 }),
    standing: field('standing', f.standing, {
      kind: 'select',
      options: choice('standing', ENTRY_STANDINGS, (s) => copy.standings[s as keyof PanelCopy['standings']]),
    }),
    buyer: field('buyer', f.buyer),
  };
  const fields = FIELDS[kind].map((name) => all[name as keyof typeof all]);
  const firstWrong = fields.find((field) => field.error);
  const kept = { ...read.values, cursor: '' };
  return {
    action: path,
    legend: f.legend,
    problemSummary: firstWrong ? { text: copy.fixTheFields, href: `#${firstWrong.id}` } : null,
    linkProblems: read.problems
      .filter((p) => !fields.some((field) => field.name === p.field))
      .map((p) => copy.problems[p.problem]),
    fields,
    presetsLabel: f.presets,
    presets: PERIOD_PRESETS.map((days) => {
      const period = presetPeriod(today, days);
      return {
        href: `${path}${filterQuery(kept, { ...period, lang: lang ?? undefined })}`,
        label: f.lastDays({ days }),
        current: period.from === read.values.from && period.to === read.values.to,
      };
    }),
    apply: f.apply,
    clear: { href: `${path}${filterQuery({}, { lang: lang ?? undefined })}`, label: f.clear },
    lang,
  };
}
