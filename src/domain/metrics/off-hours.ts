/** Working hours: 09:00–18:00 Monday to Friday in the person's own time zone; anything else is off hours. */
export const WORKING_HOURS = { startHour: 9, endHour: 18, days: [1, 2, 3, 4, 5] } as const;

export function isOffHours(_at: Date, _timeZone: string): boolean {
  throw new Error("not implemented");
}
