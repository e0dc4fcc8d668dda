// One line of words per timeline event: the CLI's timeline, the status doc and the postmortem's Timeline.

type Data = Record<string, unknown>;

const isRecord = (v: unknown): v is Data => typeof v === "object" && v !== null && !Array.isArray(v);

const truncate = (text: string, max: number): string => {
  const oneLine = text.replace(/\s+/g, " ");
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
};

const str = (value: unknown): string =>
  typeof value === "string" ? value : value === null || value === undefined ? "-" : JSON.stringify(value);

function describeChanges(changes: unknown): string {
  if (!isRecord(changes)) return "updated";
  return Object.entries(changes)
    .map(([field, c]) => {
      const { from, to } = isRecord(c) ? c : {};
      return `${field} ${truncate(str(from), 30)} → ${truncate(str(to), 30)}`;
    })
    .join(", ");
}

/** One line saying what happened, in words, for each kind of timeline event. */
export function describeEvent(event: { kind: string; data: Data }): string {
  const d = event.data;
  switch (event.kind) {
    case "incident.declared":
      return `declared ${str(d.severity)} "${str(d.title)}"`;
    case "incident.status_changed":
      return `status ${str(d.from)} → ${str(d.to)}${d.reopened ? " (reopened)" : ""}${d.reason ? ` (${str(d.reason)})` : d.by_alert ? ` (${str(d.by_alert)})` : ""}`;
    case "alert.attached":
      return `alert ${str(d.alert)} attached: ${str(d.summary)}${d.severity ? ` [${str(d.severity)}]` : ""}`;
    case "alert.changed":
      return `alert ${str(d.alert)}: ${str(d.firing)} firing, ${str(d.resolved)} resolved`;
    case "alert.acknowledged":
      return `alert ${str(d.alert)} acknowledged`;
    case "alert.resolved":
      return `alert ${str(d.alert)} resolved`;
    case "incident.updated":
      return describeChanges(d.changes);
    case "note.added":
      return `note: ${str(d.text)}`;
    case "evidence.added":
      return `evidence (${str(d.kind)}): ${str(d.url)}${d.caption ? ` ${str(d.caption)}` : ""}`;
    case "status_update.posted":
      return `${str(d.visibility)} update [${str(d.status)}]: ${str(d.message)}`;
    case "role.assigned":
      return `${str(d.person)} is ${str(d.role)}${d.replaced ? ` (was ${str(d.replaced)})` : ""}`;
    case "role.removed":
      return `${str(d.person)} is no longer ${str(d.role)}`;
    case "service.added":
      return `service added: ${str(d.service)}`;
    case "service.removed":
      return `service removed: ${str(d.service)}`;
    case "action_item.created":
      return `action item: ${str(d.title)}${d.owner ? ` (owner ${str(d.owner)})` : ""}`;
    case "action_item.completed":
      return `action item done: ${str(d.title)}${d.via === "github" ? ` (issue ${str(d.issue)} closed on GitHub${d.by ? ` by ${str(d.by)}` : ""})` : ""}`;
    case "action_item.filed":
      return `action item filed as ${str(d.repository)}#${str(d.number)}: ${str(d.title)}`;
    case "action_item.updated":
      return `action item ${d.via === "github" && d.status === "open" ? `reopened (issue ${str(d.issue)} reopened on GitHub${d.by ? ` by ${str(d.by)}` : ""})` : "updated"}: ${str(d.title)}`;
    case "escalation.started":
    case "escalation.escalated": {
      const paged = Array.isArray(d.paged) ? d.paged.map(str) : [];
      const level = str(d.label) === "-" ? `level ${str(d.level)}` : str(d.label);
      const verb = event.kind === "escalation.started" ? "paged" : `escalated to ${level}:`;
      return paged.length ? `${verb} ${paged.join(", ")}` : `${verb} nobody could be paged`;
    }
    case "escalation.stopped":
      return `paging stopped: incident ${d.reason ? str(d.reason) : "acknowledged"}`;
    case "escalation.exhausted":
      return `escalation ended: ${d.reason ? str(d.reason) : "nobody else to page"}`;
    case "escalation.skipped":
      return d.reason ? str(d.reason) : "nobody was paged";
    case "escalation.rule_fired":
      return `escalation rule ${str(d.rule)} fired${d.condition ? ` (${str(d.condition)})` : ""}`;
    case "page.sent":
      return `${str(d.reason)} delivered to ${str(d.to)} via ${str(d.via)}`;
    case "page.failed":
      return `${str(d.reason)} to ${str(d.to)} via ${str(d.via)} failed: ${d.error ? str(d.error) : "unknown error"}`;
    case "reminder.sent":
      if (d.about === "postmortem")
        return `reminded ${str(d.to)} that the postmortem is overdue${d.due_at ? ` (due ${str(d.due_at).slice(0, 16).replace("T", " ")} UTC)` : ""}`;
      return `reminded ${str(d.to)}${d.last_update_ago ? ` (last update ${str(d.last_update_ago)} ago)` : ""}`;
    case "task.completed":
      return `checklist: ${str(d.title)} done`;
    case "task.reopened":
      return `checklist: ${str(d.title)} reopened`;
    case "postmortem.created":
      return "postmortem started";
    case "postmortem.status_changed":
      return `postmortem ${str(d.from)} → ${str(d.to)}`;
    default:
      return `${event.kind} ${JSON.stringify(d)}`;
  }
}
