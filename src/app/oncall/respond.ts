import { eq } from "drizzle-orm";
import { formatHumanId } from "#domain/incident/human-id.ts";
import type { Db } from "#store/db.ts";
import { findIncidentNumbersByIds } from "#store/incidents.ts";
import {
  findNotificationByLinkToken,
  findPeople,
  latestSmsPage,
  type NotificationRow,
  type PersonRow,
  userBySlackId,
} from "#store/paging.ts";
import { users } from "#store/schema/index.ts";
import type { Actor, AppContext, BaseContext } from "../context.ts";
import { AppError, isAppError } from "../errors.ts";
import { changeIncidentStatus } from "../incidents/change-status.ts";
import { declareIncident } from "../incidents/declare.ts";
import { postStatusUpdate } from "../incidents/records.ts";

// Answers to a page from outside the web UI: the one-click link in an email, Slack's buttons and slash
// commands, an SMS reply. Each finds the person behind the answer and acts as them through the same use
// cases the API calls, so the timeline says who acknowledged and escalation stops in the same commit.

export type PageAction = "acknowledge" | "resolve";

export interface PageActionResult {
  incident: string;
  title: string;
  /** The incident's status afterwards. */
  status: string;
  /** False when there was nothing to do (already acknowledged or resolved). */
  changed: boolean;
  by: string;
}

async function actorFor(db: Db, person: PersonRow): Promise<Actor> {
  const [row] = await db.select({ role: users.role }).from(users).where(eq(users.id, person.id));
  return { kind: "user", name: person.username, userId: person.id, role: row?.role ?? "responder" };
}

/** Acknowledges or resolves as `actor`; an incident already past that point is reported, not an error. */
async function act(ctx: AppContext, incidentRef: string, action: PageAction): Promise<PageActionResult> {
  const status = action === "acknowledge" ? "acknowledged" : "resolved";
  try {
    const view = await changeIncidentStatus(ctx, incidentRef, { status });
    return { incident: view.id, title: view.title, status: view.status, changed: true, by: ctx.actor.name };
  } catch (error) {
    if (isAppError(error) && error.code === "INVALID_TRANSITION") {
      const current = String((error.extra as { current_status?: string } | undefined)?.current_status ?? "");
      const alreadyDone =
        action === "acknowledge"
          ? current !== "triggered"
          : current === "resolved" || current === "postmortem";
      if (alreadyDone)
        return { incident: incidentRef, title: "", status: current, changed: false, by: ctx.actor.name };
    }
    throw error;
  }
}

async function incidentRefOf(db: Db, notification: NotificationRow): Promise<string> {
  if (!notification.incidentId) throw new AppError("NOT_FOUND", "This message is not about an incident.");
  const numbers = await findIncidentNumbersByIds(db, [notification.incidentId]);
  const number = numbers.get(notification.incidentId);
  if (!number) throw new AppError("NOT_FOUND", "The incident of this page no longer exists.");
  return formatHumanId(number);
}

/** What a page link shows before anyone clicks (GET /p/<token>): the incident and who it was sent to. */
export async function describePageLink(ctx: BaseContext, token: string) {
  const notification = await findNotificationByLinkToken(ctx.db, token);
  if (!notification)
    throw new AppError("NOT_FOUND", "This link is not valid (it may be mistyped or very old).");
  const [person] = await findPeople(ctx.db, [notification.userId]);
  return {
    incident: await incidentRefOf(ctx.db, notification),
    summary: notification.summary,
    to: person?.username ?? "",
  };
}

/** The one-click link of an email page (POST /p/<token>): acts as the person the page was sent to. */
export async function actOnPageLink(
  ctx: BaseContext,
  token: string,
  action: PageAction,
): Promise<PageActionResult> {
  const notification = await findNotificationByLinkToken(ctx.db, token);
  if (!notification)
    throw new AppError("NOT_FOUND", "This link is not valid (it may be mistyped or very old).");
  const [person] = await findPeople(ctx.db, [notification.userId]);
  if (!person) throw new AppError("NOT_FOUND", "The person this page was sent to no longer exists.");
  const ref = await incidentRefOf(ctx.db, notification);
  return act({ ...ctx, actor: await actorFor(ctx.db, person) }, ref, action);
}

/** Resolves a Slack user to the Foghorn user who has that Slack id as a contact method. */
export async function personForSlackUser(ctx: BaseContext, slackUserId: string): Promise<AppContext> {
  const person = await userBySlackId(ctx.db, slackUserId);
  if (!person)
    throw new AppError(
      "FORBIDDEN",
      `Your Slack account (${slackUserId}) is not linked to a Foghorn user: add it as a Slack contact method in Foghorn (foghorn contact add --kind slack --address ${slackUserId}).`,
    );
  return { ...ctx, actor: await actorFor(ctx.db, person) };
}

/** A Slack button on a page or announcement (incident by id). */
export async function actAsSlackUser(
  ctx: BaseContext,
  slackUserId: string,
  incidentId: string,
  action: PageAction,
): Promise<PageActionResult> {
  const asUser = await personForSlackUser(ctx, slackUserId);
  const number = (await findIncidentNumbersByIds(ctx.db, [incidentId])).get(incidentId);
  if (!number) throw new AppError("NOT_FOUND", "That incident no longer exists.");
  return act(asUser, formatHumanId(number), action);
}

/** An SMS reply ("4", "4 K7Q", "6 K7Q") from a phone number that was paged. */
export async function actOnSmsReply(
  ctx: BaseContext,
  phone: string,
  action: PageAction,
  code: string | undefined,
): Promise<PageActionResult> {
  const notification = await latestSmsPage(ctx.db, phone, code);
  if (!notification)
    throw new AppError(
      "NOT_FOUND",
      code ? `No page with code ${code} was sent to this number.` : "No page was sent to this number.",
    );
  const [person] = await findPeople(ctx.db, [notification.userId]);
  if (!person) throw new AppError("NOT_FOUND", "The person this page was sent to no longer exists.");
  const ref = await incidentRefOf(ctx.db, notification);
  return act({ ...ctx, actor: await actorFor(ctx.db, person) }, ref, action);
}

/** `/foghorn ack INC-42` and friends: acts as the Slack user's Foghorn user. */
export async function slackCommand(
  ctx: BaseContext,
  slackUserId: string,
  command:
    | { command: "declare"; severity?: string; title: string }
    | { command: "ack"; incident: string }
    | { command: "update"; incident: string; message: string },
): Promise<string> {
  const asUser = await personForSlackUser(ctx, slackUserId);
  if (command.command === "declare") {
    const view = await declareIncident(asUser, {
      title: command.title,
      severity: command.severity ?? "SEV3",
      assignee: asUser.actor.name,
    });
    return `Declared ${view.id} [${view.severity}] ${view.title}; you are the commander. ${ctx.publicUrl ?? ""}/incidents/${view.id}`;
  }
  if (command.command === "ack") {
    const result = await act(asUser, command.incident, "acknowledge");
    return result.changed
      ? `Acknowledged ${command.incident}; escalation stopped.`
      : `${command.incident} is already ${result.status}; nothing to do.`;
  }
  const update = await postStatusUpdate(asUser, command.incident, { message: command.message });
  return `Posted an internal update on ${update.incident_id ?? command.incident}.`;
}
