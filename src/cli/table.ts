import type { Colors } from "./output.ts";

/** A table cell: plain text, or text with a colour applied after padding (so columns stay aligned). */
export type Cell = string | { text: string; paint?: (s: string) => string };

const MAX_CELL = 60;

function textOf(cell: Cell): string {
  return typeof cell === "string" ? cell : cell.text;
}

/** Long cells are cut with an ellipsis so one title cannot push every other column off the screen. */
export function truncate(text: string, max = MAX_CELL): string {
  const oneLine = text.replace(/\s+/g, " ");
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

/** Aligned columns separated by two spaces; headers dimmed; no trailing spaces. */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly Cell[])[],
  c: Colors,
): string[] {
  // The last column may run long (it wraps harmlessly); the others are cut to keep the columns readable.
  const last = headers.length - 1;
  const texts = rows.map((row) =>
    headers.map((_, i) => truncate(textOf(row[i] ?? ""), i === last ? 2 * MAX_CELL : MAX_CELL)),
  );
  const widths = headers.map((h, i) => Math.max(h.length, ...texts.map((row) => (row[i] ?? "").length)));
  const line = (cells: readonly string[], paints: readonly ((s: string) => string)[]) =>
    cells
      .map((text, i) => {
        const padded = i === last ? text : text.padEnd(widths[i] ?? 0);
        return (paints[i] ?? ((s: string) => s))(padded);
      })
      .join("  ")
      .trimEnd();
  const out = [
    line(
      headers,
      headers.map(() => c.dim),
    ),
  ];
  rows.forEach((row, r) => {
    const paints = headers.map((_, i) => {
      const cell = row[i];
      return typeof cell === "object" && cell.paint ? cell.paint : (s: string) => s;
    });
    out.push(line(texts[r] ?? [], paints));
  });
  return out;
}
