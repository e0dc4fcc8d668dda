import type { CommandContext, FlagSpec } from "./command.ts";

// List commands page with the API's cursors: --limit and --cursor ask for one page, --all for them all.

/** One page of a list endpoint (endpoints that answer everything at once leave out next_cursor). */
export interface Page<T> {
  items: T[];
  next_cursor?: string | null;
}

/** The API's largest page: --all walks the cursor with it. */
const MAX_PAGE = 200;

/** --limit, --cursor and --all for a list of `things` ("alerts"). */
export function pagingFlags(things: string): FlagSpec[] {
  return [
    { name: "limit", type: "string", value: "N", description: `At most N ${things} (1–200, default 50)` },
    {
      name: "cursor",
      type: "string",
      value: "CURSOR",
      description: "Continue after the page that printed it",
    },
    { name: "all", type: "boolean", description: "Fetch every page" },
  ];
}

/** GET a list with `filters` and the paging flags: one page, or with --all every page as one. */
export async function fetchPages<T>(
  ctx: CommandContext,
  path: string,
  filters: Record<string, string | number | undefined>,
  fieldNames: Record<string, string>,
): Promise<Page<T>> {
  const a = ctx.args;
  const all = a.boolean("all");
  const query = { ...filters, limit: all ? MAX_PAGE : a.integer("limit"), cursor: a.string("cursor") };
  const first = await ctx.api().get<Page<T>>(path, { query, fieldNames });
  if (!all) return first;
  const items = [...first.items];
  let cursor = first.next_cursor;
  while (cursor) {
    const page = await ctx.api().get<Page<T>>(path, { query: { ...query, cursor }, fieldNames });
    items.push(...page.items);
    cursor = page.next_cursor;
  }
  return { items, next_cursor: null };
}

/**
 * A list's output: the page as JSON, or `table` of its items and how to get the next page; the `empty`
 * lines (what to do instead) when there are no items.
 */
export function printPage<T>(
  ctx: CommandContext,
  page: Page<T>,
  empty: readonly string[],
  table: (items: T[]) => void,
): void {
  ctx.out.result(page, ({ items, next_cursor }) => {
    if (items.length === 0) {
      for (const line of empty) ctx.out.print(line);
      return;
    }
    table(items);
    if (next_cursor) ctx.out.print(ctx.out.color.dim(`More: repeat with --cursor ${next_cursor} (or --all)`));
  });
}
