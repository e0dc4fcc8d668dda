import { configFields } from "./fields.ts";
import { getIn, setIn } from "./paths.ts";
import type { Config } from "./schema.ts";

export const REDACTED = "[redacted]";

/** A copy of the config with every secret key (schema `secret: true`) replaced, safe to log or print. */
export function redactConfig(config: Config): Config {
  const copy = structuredClone(config);
  for (const field of configFields()) {
    if (field.secret && getIn(copy, field.key.split(".")) !== undefined) setIn(copy, field.key, REDACTED);
  }
  return copy;
}
