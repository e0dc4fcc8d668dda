import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { AppContext, BaseContext } from "#app/context.ts";
import { AppError } from "#app/errors.ts";
import { type AccessLevel, leastRoleFor, roleAllows, scopeAllows, scopesFor } from "#domain/auth/access.ts";
import { ChangeAuditor } from "./audit-changes.ts";

/** One documented API operation; registering it both serves it and adds it to /api/v1/openapi.json. */
export interface Operation {
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  url: string;
  summary: string;
  description?: string;
  tag: string;
  body?: z.ZodType;
  query?: z.ZodType;
  success: number;
  responseDescription: string;
  /** Media type of the success response; application/json unless said (e.g. text/event-stream). */
  produces?: string;
  /** Further media types the success response may have (content negotiation, e.g. text/csv). */
  alsoProduces?: readonly string[];
  /** What a 404 means, for an operation that can answer 404 without path parameters (or more than usual). */
  notFound?: string;
  /** Needs no authentication (sign-in, first-run setup); registered with addOpen. */
  open?: boolean;
  /**
   * What the caller's role and token scope must allow (domain/auth/access.ts, docs/access.md); every
   * authenticated operation names one. Published as `x-foghorn-access` in the OpenAPI document.
   */
  access?: AccessLevel;
  /** What a 401 means here, when not the usual missing or invalid credentials. */
  unauthorized?: string;
  /**
   * The audit action a successful call records (`<resource>.<verb>`), or false: not a configuration change.
   * Unset: derived from the method and URL for non-GET manage, admin and self operations (docs/audit.md).
   */
  auditAction?: string | false;
}

export type Handler = (req: FastifyRequest, ctx: AppContext, reply: FastifyReply) => Promise<unknown>;
export type OpenHandler = (req: FastifyRequest, ctx: BaseContext, reply: FastifyReply) => Promise<unknown>;

/** Collects operations as routes are registered, so the document can never drift from the routes. */
export class ApiRegistry {
  readonly operations: Operation[] = [];
  readonly #audit = new ChangeAuditor(this.operations);
  constructor(private readonly baseContext: BaseContext) {}

  add(app: FastifyInstance, op: Operation & { access: AccessLevel }, handler: Handler): void {
    this.operations.push(op);
    this.#audit.register(op, handler);
    const audited = this.#audit.audits(op);
    app.route({
      method: op.method,
      url: op.url,
      handler: async (req, reply) => {
        if (!req.actor) throw new AppError("UNAUTHENTICATED", "Sign in first");
        assertAllowed(req.actor, op);
        const ctx = { ...this.baseContext, actor: req.actor };
        // A configuration change is recorded in the audit log once it succeeded (audit-changes.ts).
        const before = audited ? await this.#audit.before(op, req, ctx) : null;
        const result = await handler(req, ctx, reply);
        if (audited && (!reply.sent || reply.statusCode < 400))
          await this.#audit.record(op, req, ctx, before, reply.sent ? null : result);
        if (reply.sent) return reply;
        return reply.status(op.success).send(result);
      },
    });
  }

  /** An operation anyone may call (the auth hook lets it through): its handler gets no actor. */
  addOpen(app: FastifyInstance, op: Omit<Operation, "open">, handler: OpenHandler): void {
    this.operations.push({ ...op, open: true });
    app.route({
      method: op.method,
      url: op.url,
      handler: async (req, reply) => {
        const result = await handler(req, this.baseContext, reply);
        if (reply.sent) return reply;
        return reply.status(op.success).send(result);
      },
    });
  }

  /** Method + path of the operations that need no authentication, for the auth hook. */
  openRoutes(): Set<string> {
    return new Set(this.operations.filter((op) => op.open).map((op) => `${op.method} ${op.url}`));
  }
}

const UNSAFE_METHODS = new Set(["POST", "PATCH", "PUT", "DELETE"]);

/** Refuses (403) an operation the actor's role or token scope does not allow, saying what would. */
export function assertAllowed(actor: AppContext["actor"], op: Pick<Operation, "summary" | "access">): void {
  if (actor.kind === "system" || !op.access) return;
  const what = op.summary.charAt(0).toLowerCase() + op.summary.slice(1);
  if (!roleAllows(actor.role, op.access)) {
    const least = leastRoleFor(op.access);
    throw new AppError(
      "FORBIDDEN",
      `You may not ${what}: it needs the ${least} role${least === "admin" ? "" : " or higher"} and ${actor.name} is ${actor.role ?? "without a role"}; ask an admin to change your role`,
    );
  }
  if (!scopeAllows(actor.scope, op.access)) {
    throw new AppError(
      "FORBIDDEN",
      `This API token's scope (${actor.scope}) does not allow you to ${what}; use a token with scope ${scopesFor(op.access).join(" or ")} (foghorn token create --scope ...)`,
    );
  }
}

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io: "input",
    unrepresentable: "any",
  }) as Record<string, unknown>;
  return rest;
}

const problemRef = { $ref: "#/components/schemas/Problem" };

/** The OpenAPI 3.1 document for every registered operation. */
export function buildOpenApi(operations: readonly Operation[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const path = op.url.replace(/:(\w+)/g, "{$1}");
    const params = [...op.url.matchAll(/:(\w+)/g)].map((m) => ({
      name: m[1],
      in: "path",
      required: true,
      schema: { type: "string" },
      ...(m[1] === "id" && op.url.startsWith("/api/v1/incidents/")
        ? { description: "Incident id, e.g. INC-42", example: "INC-42" }
        : {}),
    }));
    const query = op.query ? jsonSchema(op.query) : undefined;
    const queryParams = query
      ? Object.entries((query.properties ?? {}) as Record<string, Record<string, unknown>>).map(
          ([name, schema]) => ({
            name,
            in: "query",
            required: false,
            schema,
            ...(typeof schema.description === "string" ? { description: schema.description } : {}),
          }),
        )
      : [];
    const responses: Record<string, unknown> = {
      [String(op.success)]: {
        description: op.responseDescription,
        ...(op.success === 204
          ? {}
          : {
              content: Object.fromEntries(
                [op.produces ?? "application/json", ...(op.alsoProduces ?? [])].map((t) => [t, {}]),
              ),
            }),
      },
      "401": {
        description: op.unauthorized ?? "Missing or invalid bearer token or session cookie",
        content: { "application/problem+json": { schema: problemRef } },
      },
      "422": {
        description: "Invalid input; `errors` lists every invalid field",
        content: { "application/problem+json": { schema: problemRef } },
      },
    };
    if (!op.open)
      responses["403"] = {
        description: UNSAFE_METHODS.has(op.method)
          ? `Needs access level "${op.access}" (docs/access.md) and the user's role or token scope does not allow it; or, authenticated by the session cookie, a missing or wrong X-CSRF-Token header`
          : `Needs access level "${op.access}" (docs/access.md) and the user's role or token scope does not allow it`,
        content: { "application/problem+json": { schema: problemRef } },
      };
    if (params.length || op.notFound)
      responses["404"] = {
        description: op.notFound ?? "Not found",
        content: { "application/problem+json": { schema: problemRef } },
      };
    paths[path] ??= {};
    paths[path][op.method.toLowerCase()] = {
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      tags: [op.tag],
      operationId: `${op.method.toLowerCase()}${op.url.replace(/[:/{}-](\w)/g, (_, c: string) => c.toUpperCase()).replace(/\W/g, "")}`,
      ...(op.open ? { security: [] } : { "x-foghorn-access": op.access }),
      parameters: [...params, ...queryParams],
      ...(op.body
        ? {
            requestBody: { required: true, content: { "application/json": { schema: jsonSchema(op.body) } } },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Foghorn API",
      version,
      description:
        "Incident management: declare, run and follow up incidents. Every call needs `Authorization: Bearer <token>` " +
        "or the web UI's session cookie (with `X-CSRF-Token` on changes), except signing in and first-run setup.",
    },
    servers: [{ url: "/" }],
    security: [{ bearer: [] }, { session: [] }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "API token from `foghorn token create`" },
        session: {
          type: "apiKey",
          in: "cookie",
          name: "foghorn_session",
          description:
            "Web session from POST /api/v1/session; POST, PATCH, PUT and DELETE also need the header X-CSRF-Token " +
            "set to the session's csrf_token",
        },
      },
      schemas: {
        Problem: {
          type: "object",
          description: "RFC 9457 problem details",
          properties: {
            type: { type: "string" },
            title: { type: "string" },
            status: { type: "integer" },
            detail: { type: "string", description: "What was wrong and how to fix it" },
            instance: { type: "string" },
            code: { type: "string" },
            request_id: { type: "string" },
            errors: {
              type: "array",
              items: {
                type: "object",
                properties: { field: { type: "string" }, message: { type: "string" } },
              },
            },
          },
          required: ["type", "title", "status", "detail", "code"],
        },
      },
    },
  };
}
