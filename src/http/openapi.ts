import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { AppContext } from "#app/context.ts";
import { AppError } from "#app/errors.ts";

/** One documented API operation; registering it both serves it and adds it to /api/v1/openapi.json. */
export interface Operation {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  url: string;
  summary: string;
  description?: string;
  tag: string;
  body?: z.ZodType;
  query?: z.ZodType;
  success: number;
  responseDescription: string;
}

export type Handler = (req: FastifyRequest, ctx: AppContext, reply: FastifyReply) => Promise<unknown>;

/** Collects operations as routes are registered, so the document can never drift from the routes. */
export class ApiRegistry {
  readonly operations: Operation[] = [];
  constructor(private readonly baseContext: Omit<AppContext, "actor">) {}

  add(app: FastifyInstance, op: Operation, handler: Handler): void {
    this.operations.push(op);
    app.route({
      method: op.method,
      url: op.url,
      handler: async (req, reply) => {
        if (!req.actor) throw new AppError("UNAUTHENTICATED", "Sign in first");
        const result = await handler(req, { ...this.baseContext, actor: req.actor }, reply);
        if (reply.sent) return reply;
        return reply.status(op.success).send(result);
      },
    });
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
      ...(m[1] === "id" ? { description: "Incident id, e.g. INC-42", example: "INC-42" } : {}),
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
      [String(op.success)]: { description: op.responseDescription, content: { "application/json": {} } },
      "401": {
        description: "Missing or invalid bearer token",
        content: { "application/problem+json": { schema: problemRef } },
      },
      "422": {
        description: "Invalid input; `errors` lists every invalid field",
        content: { "application/problem+json": { schema: problemRef } },
      },
    };
    if (params.length)
      responses["404"] = {
        description: "Not found",
        content: { "application/problem+json": { schema: problemRef } },
      };
    paths[path] ??= {};
    paths[path][op.method.toLowerCase()] = {
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      tags: [op.tag],
      operationId: `${op.method.toLowerCase()}${op.url.replace(/[:/{}-](\w)/g, (_, c: string) => c.toUpperCase()).replace(/\W/g, "")}`,
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
        "Incident management: declare, run and follow up incidents. Every call needs `Authorization: Bearer <token>`.",
    },
    servers: [{ url: "/" }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "API token from `foghorn token create`" },
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
