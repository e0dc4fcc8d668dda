/** Follow-up work found during an incident; becomes a tracked issue later (seed 000). */
export const ACTION_ITEM_PRIORITIES = ["high", "medium", "low"] as const;
export type ActionItemPriority = (typeof ACTION_ITEM_PRIORITIES)[number];

export const ACTION_ITEM_STATUSES = ["open", "done"] as const;
export type ActionItemStatus = (typeof ACTION_ITEM_STATUSES)[number];

/** An open item past its due date is overdue; done items never are. */
export function isActionItemOverdue(
  item: { status: ActionItemStatus; dueAt: Date | null },
  now: Date,
): boolean {
  return item.status === "open" && item.dueAt !== null && item.dueAt.getTime() < now.getTime();
}
