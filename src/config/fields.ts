import { z } from "zod";
import { configSchema } from "./schema.ts";

type JsonSchema = z.core.JSONSchema.JSONSchema;

/** One key of the configuration, as read back from the schema (for docs, env parsing and error messages). */
export interface ConfigField {
  /** Dotted path, e.g. "server.port". */
  key: string;
  /** True for a group of settings (server, incidents.severityPolicy.SEV1, …). */
  group: boolean;
  /** Human-readable type, e.g. "integer (0–65535)". */
  type: string;
  /** "integer", "boolean" or "string": how an environment variable's text is read. */
  scalar: "integer" | "boolean" | "string";
  /** undefined when the key is optional and has no default. */
  default: unknown;
  description: string;
  secret: boolean;
  examples: unknown[];
}

function typeLabel(node: JsonSchema): string {
  const variants = node.anyOf;
  if (variants) return variants.map(typeLabel).join(" or ");
  if (node.enum) return node.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (node.const !== undefined) return JSON.stringify(node.const);
  switch (node.type) {
    case "integer": {
      const min = node.exclusiveMinimum === 0 ? 1 : node.minimum;
      const max = node.maximum === Number.MAX_SAFE_INTEGER ? undefined : node.maximum;
      if (min !== undefined && max !== undefined) return `integer (${min}–${max})`;
      return min !== undefined ? `integer ≥ ${min}` : "integer";
    }
    case "array": {
      const items = Array.isArray(node.items) ? undefined : node.items;
      return typeof items === "object" ? `list of ${typeLabel(items)}` : "list";
    }
    case "object": {
      const values = node.additionalProperties;
      return typeof values === "object" ? `mapping of names to ${typeLabel(values)}` : "mapping";
    }
    case "string":
      if (node.format === "uri") return "URL";
      return node.minLength && node.minLength > 1 ? `string (≥ ${node.minLength} chars)` : "string";
    default:
      return String(node.type ?? "value");
  }
}

function scalarOf(node: JsonSchema): ConfigField["scalar"] {
  const types = [node.type, ...(node.anyOf ?? []).map((v) => v.type)];
  if (types.includes("integer")) return "integer";
  if (types.includes("boolean")) return "boolean";
  return "string";
}

function collect(node: JsonSchema, prefix: string, out: ConfigField[]): void {
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    if (typeof child === "boolean") continue;
    const key = prefix ? `${prefix}.${name}` : name;
    // A record (owner → login map) is an object without declared properties: a value, not a group.
    const group = child.type === "object" && child.properties !== undefined;
    out.push({
      key,
      group,
      type: group ? "group" : typeLabel(child),
      scalar: scalarOf(child),
      default: group ? undefined : child.default,
      description: child.description ?? "",
      secret: child.secret === true,
      examples: child.examples ?? [],
    });
    if (group) collect(child, key, out);
  }
}

let cached: ConfigField[] | undefined;

/** Every key of the schema, groups included, in declaration order. */
export function configFields(): ConfigField[] {
  if (!cached) {
    cached = [];
    collect(z.toJSONSchema(configSchema, { io: "input" }), "", cached);
  }
  return cached;
}

export function findField(key: string): ConfigField | undefined {
  return configFields().find((f) => f.key === key);
}

/** Names of the keys directly under a group ("" for the top level). */
export function childNames(parentKey: string): string[] {
  const prefix = parentKey ? `${parentKey}.` : "";
  return configFields()
    .filter((f) => f.key.startsWith(prefix) && !f.key.slice(prefix.length).includes("."))
    .map((f) => f.key.slice(prefix.length));
}
