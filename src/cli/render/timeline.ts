import type { getTimeline } from "#app/incidents/timeline.ts";
import { describeEvent } from "#domain/incident/describe.ts";
import type { Output } from "../output.ts";
import { truncate } from "../table.ts";

export type Timeline = Awaited<ReturnType<typeof getTimeline>>;
export type TimelineEvent = Timeline["events"][number];
export { describeEvent };

/** Time, actor and what happened, one event a line, oldest first. */
export function printTimelineEvents(out: Output, events: readonly TimelineEvent[]): void {
  const c = out.color;
  out.table(
    ["#", "AT (UTC)", "WHO", "WHAT"],
    events.map((e) => [
      String(e.seq),
      `${e.at.slice(0, 10)} ${e.at.slice(11, 19)}`,
      { text: e.actor, paint: c.cyan },
      { text: truncate(describeEvent(e), 100) },
    ]),
  );
}
