/**
 * The weekly digest (docs/metrics.md "Weekly digest"): the metrics report of the previous seven full days
 * and the week's incidents, rendered once (domain/metrics/digest.ts) and sent by email and/or to Slack
 * through the DigestSender port. Scheduled as an engine job per week (DIGEST_JOB, keyed by the week), and
 * sent at most once per week: the metric_digests row of the week is claimed, each destination marked when
 * it has the digest, and the row completed (store/metric-digests.ts).
 */
import { formatHumanId } from "#domain/incident/human-id.ts";
import { type DigestIncident, type RenderedDigest, renderDigest } from "#domain/metrics/digest.ts";
import {
  type DigestOccurrence,
  type DigestTiming,
  digestOccurrence,
  digestOccurrencesAround,
  digestRange,
  nextDigestOccurrence,
} from "#domain/metrics/digest-schedule.ts";
import { listIncidentPage } from "#store/incident-list.ts";
import { enqueueJobs } from "#store/jobs.ts";
import {
  claimDigestWeek,
  completeDigestWeek,
  digestWeekCompleted,
  markDigestSent,
  releaseDigestWeek,
} from "#store/metric-digests.ts";
import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { requireAdmin } from "../oncall/internal.ts";
import type { DigestMessage, DigestSender } from "../ports.ts";
import { metricsReport } from "./report.ts";

/** The engine's job kind; one pending job per week (key `digest:<week>`). */
export const DIGEST_JOB = "metrics.digest";

/** metrics.weeklyDigest, as configured. */
export interface DigestSettings extends DigestTiming {
  enabled: boolean;
  email: readonly string[];
  slackChannel: string | null;
}

export interface DigestDeps {
  settings: DigestSettings;
  /** How the digest is sent; a destination without its sender fails with a readable error. */
  sender: DigestSender;
}

/** Incidents listed by name in the digest; the rest are counted. */
const LISTED_INCIDENTS = 50;
/** How long one run may hold the week before another may take over (the run died mid-send). */
const CLAIM_MS = 10 * 60_000;
/** A digest missed while Foghorn was down is still sent when it starts within this long after the time. */
const CATCH_UP_MS = 24 * 3_600_000;

/** The digest of the API's preview (GET /api/v1/metrics/digest) and of `foghorn metrics digest --preview`. */
export interface DigestView {
  range: { from: string; to: string };
  subject: string;
  text: string;
  html: string;
  slack: string;
  settings: {
    enabled: boolean;
    weekday: string;
    hour: number;
    time_zone: string;
    email: string[];
    slack_channel: string | null;
    /** When the scheduled digest goes out next (null when disabled). */
    next_at: string | null;
  };
}

const utcDay = (day: string) => new Date(`${day}T00:00:00.000Z`);

/** Renders the digest of the UTC days [from, to). */
export async function buildDigest(
  ctx: AppContext,
  timeZone: string,
  range: { from: string; to: string },
): Promise<RenderedDigest> {
  const from = utcDay(range.from);
  const to = utcDay(range.to);
  const report = await metricsReport(ctx, {
    from,
    to,
    service: null,
    team: null,
    severities: [],
    type: null,
  });
  const rows = await listIncidentPage(ctx.db, {
    sort: "severity",
    descending: false,
    createdAfter: from,
    createdBefore: to,
    // The digest goes to email and Slack: it never lists a private incident (the figures still count it).
    publicOnly: true,
    limit: LISTED_INCIDENTS,
    now: ctx.clock.now(),
  });
  const base = ctx.publicUrl?.replace(/\/+$/, "") ?? null;
  const incidents: DigestIncident[] = rows.map((r) => {
    const id = formatHumanId(r.number);
    return {
      id,
      title: r.title,
      severity: r.severity,
      status: r.status,
      createdAt: r.createdAt,
      acknowledgedAt: r.acknowledgedAt,
      resolvedAt: r.resolvedAt,
      url: base ? `${base}/incidents/${id}` : null,
    };
  });
  const total = report.response_times.find((r) => r.severity === "all")?.incidents ?? incidents.length;
  const query = new URLSearchParams({ from: range.from, to: range.to }).toString();
  return renderDigest({
    figures: report,
    incidents,
    moreIncidents: Math.max(0, total - incidents.length),
    timeZone,
    links: {
      insights: base ? `${base}/insights?${query}` : null,
      incidents: base ? `${base}/incidents` : null,
    },
  });
}

function destinations(settings: DigestSettings): string[] {
  return [
    ...(settings.email.length > 0 ? ["email"] : []),
    ...(settings.slackChannel !== null ? ["slack"] : []),
  ];
}

/** Sends to one destination; a missing sender is a configuration problem worth saying plainly. */
async function sendTo(
  deps: DigestDeps,
  destination: "email" | "slack",
  message: DigestMessage,
): Promise<void> {
  const { settings, sender } = deps;
  if (destination === "email") {
    if (!sender.email)
      throw new AppError("CONFLICT", "The digest cannot be emailed: SMTP is not configured (email.host)");
    await sender.email(settings.email, message);
  } else {
    if (!sender.slack || settings.slackChannel === null)
      throw new AppError("CONFLICT", "The digest cannot be posted to Slack: slack.botToken is not set");
    await sender.slack(settings.slackChannel, message);
  }
}

function toMessage(deliveryId: string, digest: RenderedDigest): DigestMessage {
  return {
    deliveryId,
    subject: digest.subject,
    text: digest.text,
    html: digest.html,
    slack: digest.slack,
  };
}

/** The digest of the last seven full UTC days, as it would be sent now, with the settings in force. */
export async function previewDigest(ctx: AppContext, settings: DigestSettings): Promise<DigestView> {
  const now = ctx.clock.now();
  const range = digestRange(now);
  const digest = await buildDigest(ctx, settings.timeZone, range);
  return {
    range,
    ...digest,
    settings: {
      enabled: settings.enabled,
      weekday: settings.weekday,
      hour: settings.hour,
      time_zone: settings.timeZone,
      email: [...settings.email],
      slack_channel: settings.slackChannel,
      next_at: settings.enabled ? digestOccurrencesAround(now, settings).next.at.toISOString() : null,
    },
  };
}

/**
 * Sends the digest of the last seven full UTC days now, to every configured destination (admins only).
 * A manual send is not the week's scheduled digest: that one still goes out at its time.
 */
export async function sendDigestNow(
  ctx: AppContext,
  deps: DigestDeps,
): Promise<{ range: { from: string; to: string }; email: string[]; slack_channel: string | null }> {
  requireAdmin(ctx, "send the weekly digest");
  const targets = destinations(deps.settings);
  if (targets.length === 0)
    throw new AppError(
      "CONFLICT",
      "The digest has no destination: set metrics.weeklyDigest.email and/or metrics.weeklyDigest.slackChannel",
    );
  const now = ctx.clock.now();
  const range = digestRange(now);
  const digest = await buildDigest(ctx, deps.settings.timeZone, range);
  const message = toMessage(`digest-manual-${now.getTime()}`, digest);
  for (const destination of targets) {
    try {
      await sendTo(deps, destination as "email" | "slack", message);
    } catch (error) {
      if (error instanceof AppError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new AppError("UNAVAILABLE", `The digest was not sent: ${reason}`);
    }
  }
  ctx.log.info({ range, destinations: targets, by: ctx.actor.name }, "weekly digest sent by hand");
  return { range, email: [...deps.settings.email], slack_channel: deps.settings.slackChannel };
}

function jobFor(occurrence: DigestOccurrence, runAt: Date) {
  return {
    kind: DIGEST_JOB,
    key: `digest:${occurrence.week}`,
    payload: { week: occurrence.week },
    runAt,
    maxAttempts: 8,
  };
}

/**
 * At start: queues the next digest, and the last one when it was due less than a day ago and has not gone
 * out (Foghorn was down at its time). Keyed jobs: replicas starting together queue each week once.
 */
export async function scheduleWeeklyDigest(ctx: AppContext, settings: DigestSettings): Promise<Date | null> {
  if (!settings.enabled) return null;
  const now = ctx.clock.now();
  const { previous, next } = digestOccurrencesAround(now, settings);
  const jobs = [jobFor(next, next.at)];
  if (
    now.getTime() - previous.at.getTime() < CATCH_UP_MS &&
    !(await digestWeekCompleted(ctx.db, previous.week))
  )
    jobs.push(jobFor(previous, now));
  await enqueueJobs(ctx.db, jobs, now);
  return next.at;
}

export type DigestRunOutcome = "sent" | "already_sent" | "busy" | "disabled" | "not_due" | "stale";

/**
 * The engine's job for one week: sends the week's digest unless it already went out, then queues the next
 * week's. A destination that has it is never sent it again; a failed one is retried by the job's backoff.
 */
export async function runDigestJob(
  ctx: AppContext,
  deps: DigestDeps,
  payload: Record<string, unknown>,
): Promise<DigestRunOutcome> {
  const { settings } = deps;
  if (!settings.enabled) return "disabled";
  const week = typeof payload.week === "string" ? payload.week : "";
  let occurrence: DigestOccurrence;
  try {
    occurrence = digestOccurrence(week, settings);
  } catch {
    ctx.log.warn({ payload }, "metrics.digest job with an unreadable week; dropped");
    return "stale";
  }
  const now = ctx.clock.now();
  // The settings changed since it was queued: the hour moved later this week.
  if (occurrence.at.getTime() > now.getTime()) {
    await enqueueJobs(ctx.db, [jobFor(occurrence, occurrence.at)], now);
    return "not_due";
  }
  // The following week is always queued, whatever happens to this one (keyed: queued once).
  const following = nextDigestOccurrence(week, settings);
  await enqueueJobs(ctx.db, [jobFor(following, following.at)], now);
  if (now.getTime() - occurrence.at.getTime() > 7 * 24 * 3_600_000) {
    ctx.log.warn({ week }, "weekly digest more than a week late; skipped");
    return "stale";
  }
  const claim = await claimDigestWeek(ctx.db, occurrence, now, new Date(now.getTime() + CLAIM_MS));
  if (!claim) {
    // Complete, or another run is sending it right now (its claim expires if it dies).
    return (await digestWeekCompleted(ctx.db, week)) ? "already_sent" : "busy";
  }
  try {
    const digest = await buildDigest(ctx, settings.timeZone, occurrence);
    const message = toMessage(`digest-${week}`, digest);
    const sentAt = { email: claim.emailSentAt, slack: claim.slackSentAt };
    for (const destination of destinations(settings) as ("email" | "slack")[]) {
      if (sentAt[destination]) continue;
      await sendTo(deps, destination, message);
      await markDigestSent(ctx.db, week, destination, ctx.clock.now());
    }
    await completeDigestWeek(ctx.db, week, ctx.clock.now());
  } catch (error) {
    await releaseDigestWeek(ctx.db, week).catch(() => {});
    throw error;
  }
  ctx.log.info(
    { week, from: occurrence.from, to: occurrence.to, destinations: destinations(settings) },
    "weekly digest sent",
  );
  return "sent";
}
