import Holidays from 'date-holidays';
import type { PublicHolidayLookup } from '../domain/compliance';
import type { LocalDate } from '../domain/local-time';

/**
 * Public holidays per country, from the date-holidays data set (kept up to date upstream, so
 * we do not maintain calendars by hand). Looked up here, in the activity, and handed to the
 * pure guard as plain dates: the workflow never runs a library whose data can change between
 * deployments.
 */
export type { PublicHolidayLookup } from '../domain/compliance';

export function createPublicHolidayLookup(): PublicHolidayLookup {
  const cache = new Map<string, LocalDate[]>();
  return (country, years) =>
    years.flatMap((year) => {
      const key = `${country}/${year}`;
      let dates = cache.get(key);
      if (!dates) {
        const calendar = new Holidays();
        // An unknown country observes no public holidays rather than failing every delivery.
        calendar.init(country);
        dates = (calendar.getHolidays(year) || []).filter((h) => h.type === 'public').map((h) => h.date.slice(0, 10));
        cache.set(key, dates);
      }
      return dates;
    });
}
