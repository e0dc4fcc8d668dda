import type { FastifyReply, FastifyRequest } from "fastify";
import { describeChange, isConfigChange } from "#app/audit/describe.ts";
import { recordAudit } from "#app/audit/record.ts";
import type { AppContext } from "#app/context.ts";
import { isAppError } from "#app/errors.ts";
import type { Handler, Operation } from "./openapi.ts";

// The audit log's record of configuration changes, kept by ApiRegistry.add for every operation that is one
// (app/audit/describe.ts decides which, and names the action and target). `before` is what the GET
// operation at the same URL answers just before the change, `after` the change's own answer.
//
// The entry is written right after the change succeeded, in its own statement, not in the change's
// transaction: docs/audit.md says why. A failed write is logged at error level with the entry.

/** A reply for calling a GET handler to read `before`: records what the handler sends, sends nothing. */
function captureReply(): FastifyReply & { captured: unknown } {
  const state = { sent: false, captured: undefined as unknown };
  const stub: Record<string, unknown> = {
    get sent() {
      return state.sent;
    },
    get captured() {
      return state.captured;
    },
    send(payload: unknown) {
      state.sent = true;
      state.captured = payload;
      return stub;
    },
    getHeader: () => undefined,
    hasHeader: () => false,
  };
  // header(), type(), code(), status()…: accepted and ignored.
  return new Proxy(stub, {
    get(target, prop, receiver) {
      if (prop in target) return Reflect.get(target, prop, receiver);
      return () => receiver;
    },
  }) as unknown as FastifyReply & { captured: unknown };
}

export class ChangeAuditor {
  /** GET handlers by URL pattern, to read a record before it changes. */
  readonly #readers = new Map<string, Handler>();
  #urls: Set<string> | undefined;

  constructor(private readonly operations: readonly Operation[]) {}

  /** Called for every registered operation. */
  register(op: Operation, handler: Handler): void {
    if (op.method === "GET") this.#readers.set(op.url, handler);
    this.#urls = undefined;
  }

  audits(op: Operation): boolean {
    return isConfigChange(op);
  }

  /** The record as its GET operation shows it, for PATCH, PUT and DELETE; null when there is none. */
  async before(op: Operation, req: FastifyRequest, ctx: AppContext): Promise<unknown> {
    if (op.method === "POST") return null;
    const read = this.#readers.get(op.url);
    if (!read) return null;
    try {
      const reply = captureReply();
      const result = await read(req, ctx, reply);
      return (reply.sent ? reply.captured : result) ?? null;
    } catch (error) {
      // Not there (the change will answer 404 itself) or not readable: nothing to show as before.
      if (isAppError(error)) return null;
      throw error;
    }
  }

  /** Records a successful change; never fails the request (the change is done). */
  async record(
    op: Operation,
    req: FastifyRequest,
    ctx: AppContext,
    before: unknown,
    after: unknown,
  ): Promise<void> {
    this.#urls ??= new Set(this.operations.map((o) => o.url));
    const described = describeChange({
      method: op.method,
      url: op.url,
      ...(op.auditAction !== undefined ? { auditAction: op.auditAction } : {}),
      params: (req.params ?? {}) as Record<string, string>,
      after,
      urls: this.#urls,
    });
    const entry = {
      at: ctx.clock.now(),
      actor: ctx.actor,
      action: described.action,
      targetType: described.targetType,
      targetId: described.targetId,
      before: before ?? null,
      after: op.method === "DELETE" ? null : (after ?? null),
      ip: req.ip,
      requestId: String(req.id),
    };
    try {
      await recordAudit(ctx.db, entry);
    } catch (error) {
      req.log.error(
        {
          err: error,
          audit: {
            action: entry.action,
            target: `${entry.targetType}/${entry.targetId}`,
            actor: ctx.actor.name,
          },
        },
        "audit entry not recorded: the change was made but the audit log does not show it",
      );
    }
  }
}
