import type { ChecklistView, setChecklistTask } from "#app/incidents/checklist.ts";
import type { CommandSpec } from "../command.ts";
import type { Output } from "../output.ts";
import { INCIDENT_ARG, incidentPath } from "./incident-shared.ts";

type SetResult = Awaited<ReturnType<typeof setChecklistTask>>;

const hhmm = (iso: string) => `${iso.slice(11, 16)}`;

function printChecklist(out: Output, list: ChecklistView): void {
  const c = out.color;
  out.table(
    ["DUE", "KEY", "TASK", "DONE"],
    list.tasks.map((t) => [
      `+${t.due_minute}m ${hhmm(t.due_at)}`,
      t.key,
      t.title,
      t.done
        ? { text: `✓ ${t.done_by} at ${hhmm(t.done_at ?? "")}`, paint: c.green }
        : t.overdue
          ? { text: "OVERDUE", paint: (s: string) => c.bold(c.red(s)) }
          : "-",
    ]),
  );
  out.print(
    c.dim(
      `${list.done}/${list.total} done${list.overdue ? `, ${list.overdue} overdue` : ""}; times UTC, due counted from ${hhmm(list.declared_at)}`,
    ),
  );
}

const checklist: CommandSpec = {
  kind: "command",
  name: "checklist",
  summary: "Show an incident's triage checklist: each task's due minute, who ticked it, what is overdue",
  description:
    "Every new incident gets seed 001's five-minute triage checklist (or its incident type's own).\n" +
    "Tick a task with `foghorn incident tick INC-7 KEY`.",
  args: [INCIDENT_ARG],
  connects: true,
  examples: [
    "foghorn incident checklist INC-7",
    "foghorn incident checklist INC-7 --json | jq '.tasks[] | select(.overdue)'",
  ],
  async run(ctx) {
    const list = await ctx.api().get<ChecklistView>(incidentPath(ctx.args.arg("INCIDENT"), "/checklist"));
    ctx.out.result(list, (l) => printChecklist(ctx.out, l));
    return 0;
  },
};

const tick: CommandSpec = {
  kind: "command",
  name: "tick",
  summary: "Tick a checklist task as done (or --undo to reopen it); recorded on the timeline",
  args: [
    INCIDENT_ARG,
    { name: "TASK", description: "The task's key, e.g. assess-scope (see: incident checklist)" },
  ],
  flags: [{ name: "undo", type: "boolean", description: "Untick the task (reopen it)" }],
  connects: true,
  examples: [
    "foghorn incident tick INC-7 assess-scope",
    "foghorn incident tick INC-7 assess-scope --undo",
    "foghorn incident tick INC-7 initial-communication --json",
  ],
  async run(ctx) {
    const ref = ctx.args.arg("INCIDENT");
    const key = ctx.args.arg("TASK");
    const done = !ctx.args.boolean("undo");
    const result = await ctx.api().put<SetResult>(
      incidentPath(ref, `/checklist/${encodeURIComponent(key)}`),
      { done },
      {
        fieldNames: { done: "--undo", key: "TASK" },
      },
    );
    ctx.out.result(result, (r) => {
      const task = r.tasks.find((t) => t.key === key);
      const what = done ? "done" : "reopened";
      ctx.out.print(
        r.changed
          ? `${task?.title ?? key}: ${what} on ${r.incident_id} (${r.done}/${r.total} done).`
          : `${task?.title ?? key} was already ${done ? "done" : "open"} on ${r.incident_id}; nothing changed.`,
      );
    });
    return 0;
  },
};

export const incidentChecklistCommands: readonly CommandSpec[] = [checklist, tick];
