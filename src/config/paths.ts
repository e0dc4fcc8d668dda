/** Reading and writing nested plain data by key path, for the loader and redaction. */

export type KeyPath = readonly PropertyKey[];

export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function getIn(data: unknown, path: KeyPath): unknown {
  let node = data;
  for (const segment of path) {
    if (isMapping(node)) node = node[String(segment)];
    else node = Array.isArray(node) ? node[Number(segment)] : undefined;
  }
  return node;
}

/**
 * Sets a dotted key, creating missing groups. A group that holds a non-mapping value is left alone
 * (the schema reports it).
 */
export function setIn(target: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split(".");
  const last = parts.pop() ?? key;
  let node = target;
  for (const part of parts) {
    const next = node[part] ?? {};
    if (!isMapping(next)) return;
    node[part] = next;
    node = next;
  }
  node[last] = value;
}
