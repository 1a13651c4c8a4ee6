/** The languages reminders and pages are written in. */
export const SUPPORTED_LOCALES = ['en', 'es', 'fr', 'pt-BR'] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];

export function isLocale(value: string): value is Locale {
  return (SUPPORTED_LOCALES as readonly string[]).includes(value);
}
