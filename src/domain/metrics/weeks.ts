/** ISO weeks (Monday 00:00 UTC) for per-week series. Days are "YYYY-MM-DD" UTC dates. */
export function weekStartOf(_day: string): string {
  throw new Error("not implemented");
}

/** Every week start from the week holding `fromDay` to the one holding the day before `toDay` (exclusive). */
export function weeksBetween(_fromDay: string, _toDay: string): string[] {
  throw new Error("not implemented");
}
