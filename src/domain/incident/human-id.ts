/** Incidents carry a human id `INC-<n>`; n is allocated by the store, starting at 1. */
export const HUMAN_ID_PREFIX = "INC-";

export function formatHumanId(number: number): string {
  return `${HUMAN_ID_PREFIX}${number}`;
}

/** Reads "INC-42", "inc-42" or a bare "42"; undefined for anything else. */
export function parseHumanId(text: string): number | undefined {
  const match = /^(?:inc-)?(\d{1,15})$/i.exec(text.trim());
  if (!match) return undefined;
  const n = Number(match[1]);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}
