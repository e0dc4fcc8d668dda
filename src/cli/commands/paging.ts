import type { CommandGroup, CommandSpec } from "../command.ts";

// `foghorn paging`: what the paging engine sent, what failed for good (dead letters), and its queue.

interface Notification {
  id: string;
  incident_id: string | null;
  to: string;
  via: string;
  reason: string;
  summary: string;
  state: string;
  dead: boolean;
  attempts: number;
  last_error: string | null;
  sent_at: string | null;
  created_at: string;
}

interface EngineStatus {
  pending: number;
  running: number;
  dead: number;
  lag_seconds: number;
  dead_jobs: {
    id: number;
    kind: string;
    key: string | null;
    attempts: number;
    last_error: string | null;
    failed_at: string;
  }[];
}

const STATES = ["pending", "sending", "sent", "failed", "cancelled"];

const list: CommandSpec = {
  kind: "command",
  name: "list",
  aliases: ["ls"],
  summary: "Messages sent to people, newest first: pages, escalations, reminders, hand-off notices",
  description:
    "Each message is one contact method of one person. A failed message is dead: it is not retried\n" +
    "until someone runs `foghorn paging retry ID` (after fixing the address or the channel's settings).",
  flags: [
    { name: "incident", type: "string", value: "INC-42", description: "Only the messages of one incident" },
    { name: "state", type: "string", value: "STATE", description: `Only one state: ${STATES.join(", ")}` },
    { name: "dead", type: "boolean", description: "Only dead letters (same as --state failed)" },
    { name: "limit", type: "string", value: "N", description: "At most N messages (1–500, default 50)" },
  ],
  connects: true,
  examples: [
    "foghorn paging list --incident INC-42",
    "foghorn paging list --dead",
    "foghorn paging list --json | jq '.items[0]'",
  ],
  async run(ctx) {
    const query = new URLSearchParams();
    const incident = ctx.args.string("incident");
    if (incident) query.set("incident", incident);
    const state = ctx.args.boolean("dead") ? "failed" : ctx.args.string("state");
    if (state) query.set("state", state);
    query.set("limit", String(ctx.args.integer("limit") ?? 50));
    const page = await ctx.api().get<{ items: Notification[] }>(`/api/v1/notifications?${query}`);
    ctx.out.result(page, ({ items }) => {
      if (items.length === 0) {
        ctx.out.print(state === "failed" ? "No dead letters." : "No messages yet.");
        return;
      }
      const c = ctx.out.color;
      ctx.out.table(
        ["WHEN", "TO", "VIA", "STATE", "ATTEMPTS", "ID", "SUMMARY"],
        items.map((n) => [
          (n.sent_at ?? n.created_at).slice(0, 19).replace("T", " "),
          n.to,
          n.via,
          n.state === "failed"
            ? { text: "dead", paint: c.red }
            : n.state === "sent"
              ? { text: "sent", paint: c.green }
              : n.state,
          String(n.attempts),
          n.id,
          n.state === "failed" && n.last_error ? `${n.summary} — ${n.last_error}` : n.summary,
        ]),
      );
    });
    return 0;
  },
};

const retry: CommandSpec = {
  kind: "command",
  name: "retry",
  summary: "Send a dead message again",
  args: [{ name: "ID", description: "The message's id (from foghorn paging list --dead)" }],
  connects: true,
  examples: [
    "foghorn paging retry 2b7e…",
    "foghorn paging list --dead --json | jq -r '.items[].id' | xargs -n1 foghorn paging retry",
  ],
  async run(ctx) {
    const id = ctx.args.arg("ID").trim();
    const result = await ctx
      .api()
      .request<{ id: string; state: string }>(
        "POST",
        `/api/v1/notifications/${encodeURIComponent(id)}/retry`,
      );
    ctx.out.result(result, () => ctx.out.print(`Queued ${id} again; it goes out within seconds.`));
    return 0;
  },
};

const engine: CommandSpec = {
  kind: "command",
  name: "engine",
  summary: "The job engine's queue: pending, running and dead jobs, and how late the oldest due job is",
  connects: true,
  examples: ["foghorn paging engine", "foghorn paging engine --json | jq .lag_seconds"],
  async run(ctx) {
    const status = await ctx.api().get<EngineStatus>("/api/v1/engine");
    ctx.out.result(status, (s) => {
      const c = ctx.out.color;
      ctx.out.print(
        `${s.pending} pending, ${s.running} running, ${s.dead === 0 ? "0 dead" : c.red(`${s.dead} dead`)}; lag ${s.lag_seconds} s`,
      );
      if (s.dead_jobs.length)
        ctx.out.table(
          ["ID", "KIND", "ATTEMPTS", "FAILED", "ERROR"],
          s.dead_jobs.map((j) => [
            String(j.id),
            j.kind,
            String(j.attempts),
            j.failed_at.slice(0, 19),
            j.last_error ?? "",
          ]),
        );
    });
    return 0;
  },
};

export const pagingGroup: CommandGroup = {
  kind: "group",
  name: "paging",
  summary: "What the paging engine sent, dead letters to retry, and its queue",
  description: "See docs/paging.md for how a page travels and what to check when one did not arrive.",
  children: [list, retry, engine],
  examples: ["foghorn paging list --incident INC-42", "foghorn paging list --dead", "foghorn paging engine"],
};
