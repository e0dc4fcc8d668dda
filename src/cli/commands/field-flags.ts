import { usageError } from "../errors.ts";

// `--field key=value` flags: custom incident field values on declare, update, list and incident types.

export const FIELD_FLAG_HELP =
  "A custom field value, key=value (repeat for several), e.g. customer_tier=gold";

/** `["customer_tier=gold", "orders_lost=12"]` → { customer_tier: "gold", orders_lost: "12" } (the server checks). */
export function parseFieldFlags(values: readonly string[], flag = "--field"): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of values) {
    const at = raw.indexOf("=");
    const key = at < 0 ? "" : raw.slice(0, at).trim();
    if (!key) throw usageError(`${flag} wants key=value, e.g. ${flag} customer_tier=gold (got "${raw}")`);
    out[key] = raw.slice(at + 1).trim();
  }
  return out;
}

/** API field errors `custom_fields.<key>` named as the flag the user typed. */
export function fieldFlagNames(keys: readonly string[], prefix = "custom_fields"): Record<string, string> {
  return Object.fromEntries(keys.map((k) => [`${prefix}.${k}`, `--field ${k}`]));
}
