import { z } from "zod";

/** One task of an incident checklist: done by the minute `due_minute` after the incident was declared. */
export interface ChecklistTask {
  /** Stable slug, unique in its checklist: "assess-scope". */
  key: string;
  title: string;
  /** Minutes after declaration by which it should be done (0 = at once). */
  due_minute: number;
  /** The steps it consists of, one line each. */
  details: string[];
}

/**
 * Seed 001's five-minute triage workflow: the checklist every new incident gets unless its incident type
 * brings its own.
 */
export const TRIAGE_CHECKLIST: readonly ChecklistTask[] = [
  {
    key: "acknowledge-and-classify",
    title: "Acknowledge and classify",
    due_minute: 1,
    details: [
      "Acknowledge the alert or report",
      "Assign severity (SEV1-SEV4)",
      "Designate incident commander",
    ],
  },
  {
    key: "assess-scope",
    title: "Assess scope",
    due_minute: 2,
    details: [
      "Check health endpoints for all services",
      "Check error rate and latency dashboards",
      "Determine: which services are affected?",
    ],
  },
  {
    key: "identify-recent-changes",
    title: "Identify recent changes",
    due_minute: 3,
    details: [
      "Check: was there a recent deployment?",
      "Check: any infrastructure changes?",
      "Check: any external dependency issues?",
    ],
  },
  {
    key: "initial-communication",
    title: "Initial communication",
    due_minute: 4,
    details: [
      "Post in #incidents channel",
      "Update status page if SEV1/SEV2",
      "Page additional responders if needed",
    ],
  },
  {
    key: "begin-investigation-or-mitigate",
    title: "Begin investigation or mitigate",
    due_minute: 5,
    details: [
      "If recent deploy: consider immediate rollback",
      "If not deploy-related: begin diagnostic commands",
      "Start incident timeline log",
    ],
  },
];

const taskKey = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "use lower-case letters, digits and dashes, e.g. assess-scope");

/** A checklist as an installation writes it (incident types): validated, keys unique. */
export const ChecklistInput = z
  .array(
    z
      .object({
        key: taskKey,
        title: z.string().trim().min(1, "a task needs a title").max(200),
        due_minute: z
          .number()
          .int()
          .min(0)
          .max(7 * 24 * 60),
        details: z.array(z.string().trim().min(1).max(500)).max(20).default([]),
      })
      .strict(),
  )
  .max(50)
  .superRefine((tasks, ctx) => {
    const seen = new Set<string>();
    tasks.forEach((task, i) => {
      if (seen.has(task.key)) {
        ctx.addIssue({ code: "custom", path: [i, "key"], message: `task key "${task.key}" is used twice` });
      }
      seen.add(task.key);
    });
  });

/** The tasks of an incident: its own checklist (from its type) or, when it has none, the triage checklist. */
export function checklistOf(stored: unknown[] | null): readonly ChecklistTask[] {
  if (stored === null) return TRIAGE_CHECKLIST;
  const parsed = ChecklistInput.safeParse(stored);
  return parsed.success ? parsed.data : TRIAGE_CHECKLIST;
}

export interface TaskState {
  task: ChecklistTask;
  dueAt: Date;
  done: { by: string; at: Date } | null;
  /** Not done and past its due time. */
  overdue: boolean;
}

/** Each task with its due time (declared + due_minute), whether it is done, and whether it is overdue. */
export function checklistState(
  tasks: readonly ChecklistTask[],
  declaredAt: Date,
  ticks: ReadonlyMap<string, { by: string; at: Date }>,
  now: Date,
): TaskState[] {
  return tasks.map((task) => {
    const dueAt = new Date(declaredAt.getTime() + task.due_minute * 60_000);
    const done = ticks.get(task.key) ?? null;
    return { task, dueAt, done, overdue: done === null && now.getTime() > dueAt.getTime() };
  });
}
