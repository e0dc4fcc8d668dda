/**
 * A paging engine on a test database and a virtual clock, with channels that record what they were asked
 * to send. Directory rows are written straight to the tables (the directory's own use cases have their
 * own tests); everything the engine does goes through its real use cases and job runner.
 */
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { DEFAULT_DELIVERY } from "#app/oncall/deliver.ts";
import {
  type Channel,
  ChannelError,
  type ChannelRegistry,
  type ChatAnnouncer,
  type ContactKind,
  type MessageUpdate,
  type OutboundMessage,
} from "#app/ports.ts";
import type { EscalationLevel } from "#domain/escalation/policy.ts";
import type { Layer } from "#domain/schedule/types.ts";
import { createPagingEngine, type PagingEngine } from "#engine/oncall.ts";
import type { Db } from "#store/db.ts";
import { executeRows } from "#store/rows.ts";
import {
  contactMethods,
  escalationPolicies,
  escalationRules,
  notificationRules,
  schedules,
  services,
  teamMembers,
  teams,
  users,
} from "#store/schema/index.ts";
import type { TestContext } from "../helpers/factories.ts";

export interface Sent {
  kind: ContactKind;
  message: OutboundMessage;
  at: Date;
}

/** A channel that records each message; `failNext` makes the next sends throw. */
export class RecordingChannel implements Channel {
  readonly sent: Sent[] = [];
  readonly updates: { ref: Record<string, string>; update: MessageUpdate; deliveryId: string }[] = [];
  failures: ChannelError[] = [];
  constructor(
    readonly kind: ContactKind,
    private readonly clock: { now(): Date },
  ) {}
  async send(message: OutboundMessage) {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.sent.push({ kind: this.kind, message, at: this.clock.now() });
    return { providerRef: { id: message.deliveryId } };
  }
  async update(ref: Record<string, string>, update: MessageUpdate, deliveryId: string) {
    this.updates.push({ ref, update, deliveryId });
  }
}

export class RecordingAnnouncer implements ChatAnnouncer {
  readonly posts: { channel: string; text: string; thread?: string }[] = [];
  readonly updates: string[] = [];
  async announce(incident: { severity: string; title: string }) {
    const channel =
      incident.severity === "SEV1" || incident.severity === "SEV2" ? "#incidents" : "#incidents-low";
    const ts = `${this.posts.length + 1}.0001`;
    this.posts.push({ channel, text: `[${incident.severity}] ${incident.title}` });
    return { channel, ts };
  }
  async postInThread(ref: { channel: string; ts: string }, text: string) {
    this.posts.push({ channel: ref.channel, text, thread: ref.ts });
  }
  async updateAnnouncement(ref: { channel: string; ts: string }, incident: { status: string }) {
    this.updates.push(`${ref.ts}:${incident.status}`);
  }
}

export interface Harness {
  engine: PagingEngine;
  channels: Record<"console" | "webhook" | "sms", RecordingChannel>;
  announcer: RecordingAnnouncer;
  /** Runs every job due at the clock's current time (and what they enqueue for now). */
  run(): Promise<number>;
  /** Moves the clock forward and runs what became due. */
  advance(ms: number): Promise<number>;
  /** Messages sent to a username, in order. */
  to(username: string): Sent[];
}

export function pagingHarness(ctx: TestContext, opts: { throttleMs?: number; chat?: boolean } = {}): Harness {
  const channels = {
    console: new RecordingChannel("console", ctx.clock),
    webhook: new RecordingChannel("webhook", ctx.clock),
    sms: new RecordingChannel("sms", ctx.clock),
  };
  const announcer = new RecordingAnnouncer();
  const registry: ChannelRegistry = channels;
  const engine = createPagingEngine(ctx, {
    delivery: { ...DEFAULT_DELIVERY, channels: registry, throttleMs: opts.throttleMs ?? 0 },
    ...(opts.chat ? { chat: { announcer, dedicatedChannels: false } } : {}),
    sweep: { handoffNoticeMinutes: 60, intervalMs: 15_000 },
  });
  const all = () => [...channels.console.sent, ...channels.webhook.sent, ...channels.sms.sent];
  return {
    engine,
    channels,
    announcer,
    run: () => engine.runner.runUntilIdle(),
    async advance(ms: number) {
      ctx.clock.advance(ms);
      return engine.runner.runUntilIdle();
    },
    to(username: string) {
      return all()
        .filter((s) => s.message.to.username === username)
        .sort((a, b) => a.at.getTime() - b.at.getTime());
    },
  };
}

export async function addUser(db: Db, username: string, opts: { timeZone?: string; role?: string } = {}) {
  const id = randomUUID();
  await db.insert(users).values({
    id,
    username,
    displayName: username[0]?.toUpperCase() + username.slice(1),
    role: opts.role ?? "responder",
    timeZone: opts.timeZone ?? "UTC",
    createdAt: new Date("2026-01-01T00:00:00Z"),
  });
  return id;
}

export async function addContact(db: Db, userId: string, kind: ContactKind, address: string) {
  const id = randomUUID();
  await db
    .insert(contactMethods)
    .values({ id, userId, kind, address, createdAt: new Date("2026-01-01T00:00:00Z") });
  return id;
}

export async function addRule(db: Db, userId: string, contactMethodId: string, delayMinutes: number) {
  await db.insert(notificationRules).values({
    id: randomUUID(),
    userId,
    contactMethodId,
    delayMinutes,
    createdAt: new Date("2026-01-01T00:00:00Z"),
  });
}

export async function addPolicy(db: Db, name: string, levels: EscalationLevel[], repeat = 0) {
  const id = randomUUID();
  const at = new Date("2026-01-01T00:00:00Z");
  await db.insert(escalationPolicies).values({ id, name, repeat, levels, createdAt: at, updatedAt: at });
  return id;
}

/** A service with this policy; returns its name. */
export async function addService(db: Db, name: string, policyId: string | null) {
  await db.insert(services).values({
    id: randomUUID(),
    name,
    createdAt: new Date("2026-01-01T00:00:00Z"),
    escalationPolicyId: policyId,
  });
  return name;
}

export async function addTeam(db: Db, name: string, members: { userId: string; role?: string }[]) {
  const id = randomUUID();
  const at = new Date("2026-01-01T00:00:00Z");
  await db.insert(teams).values({ id, name, createdAt: at });
  for (const m of members)
    await db
      .insert(teamMembers)
      .values({ teamId: id, userId: m.userId, role: m.role ?? "member", addedAt: at });
  return id;
}

export async function addSchedule(db: Db, name: string, timeZone: string, layers: Layer[]) {
  const id = randomUUID();
  const at = new Date("2026-01-01T00:00:00Z");
  await db
    .insert(schedules)
    .values({ id, name, timeZone, layers, feedToken: randomUUID(), createdAt: at, updatedAt: at });
  return id;
}

export async function addEscalationRule(
  db: Db,
  name: string,
  rule: {
    severities?: string[];
    tags?: string[];
    unresolvedMinutes?: number | null;
    targets: { kind: string; id: string }[];
  },
) {
  await db.insert(escalationRules).values({
    id: randomUUID(),
    name,
    severities: rule.severities ?? [],
    tags: rule.tags ?? [],
    unresolvedMinutes: rule.unresolvedMinutes ?? null,
    targets: rule.targets,
    createdAt: new Date("2026-01-01T00:00:00Z"),
  });
}

/** Timeline kinds of an incident (by id), in order. */
export async function timelineKinds(db: Db, incidentNumber: number): Promise<string[]> {
  const rows = await executeRows(
    db,
    sql`select e.kind from timeline_events e join incidents i on i.id = e.incident_id
        where i.number = ${incidentNumber} order by e.seq`,
  );
  return rows.map((r) => String(r.kind));
}

export async function timelineData(
  db: Db,
  incidentNumber: number,
  kind: string,
): Promise<Record<string, unknown>[]> {
  const rows = await executeRows(
    db,
    sql`select e.data from timeline_events e join incidents i on i.id = e.incident_id
        where i.number = ${incidentNumber} and e.kind = ${kind} order by e.seq`,
  );
  return rows.map(
    (r) => (typeof r.data === "string" ? JSON.parse(r.data) : r.data) as Record<string, unknown>,
  );
}

export function transient(message = "connection reset"): ChannelError {
  return new ChannelError(message);
}

export function permanent(message = "invalid address"): ChannelError {
  return new ChannelError(message, { permanent: true });
}
