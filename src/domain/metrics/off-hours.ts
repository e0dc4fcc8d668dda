import { isoWeekday, localDayStart, wallClockAt } from "../schedule/wall-clock.ts";
import { HOUR } from "../time.ts";

/** Working hours: 09:00–18:00 Monday to Friday in the person's own time zone; anything else is off hours. */
export const WORKING_HOURS = { startHour: 9, endHour: 18, days: [1, 2, 3, 4, 5] } as const;

/**
 * Whether `at` falls outside working hours on the wall clock of `timeZone` (09:00 is working time, 18:00 is
 * off hours). An unknown or empty zone reads as UTC, so a person's bad setting never fails a report.
 */
export function isOffHours(at: Date, timeZone: string): boolean {
  let naive: number;
  try {
    naive = wallClockAt(at.getTime(), timeZone || "UTC");
  } catch {
    naive = at.getTime();
  }
  if (!(WORKING_HOURS.days as readonly number[]).includes(isoWeekday(naive))) return true;
  const sinceMidnight = naive - localDayStart(naive);
  return sinceMidnight < WORKING_HOURS.startHour * HOUR || sinceMidnight >= WORKING_HOURS.endHour * HOUR;
}
