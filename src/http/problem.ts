import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { AppError, type ErrorCode, type FieldError } from "#app/errors.ts";

/** HTTP status for each application error code (documented in docs/api.md). */
export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  INVALID_INPUT: 422,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INVALID_TRANSITION: 409,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  PAYLOAD_TOO_LARGE: 413,
  UNAVAILABLE: 503,
};

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: string;
  errors?: FieldError[];
  [extra: string]: unknown;
}

/** An RFC 9457 problem body; every transport-level answer of the API uses this shape. */
export function problem(
  status: number,
  code: string,
  detail: string,
  req: FastifyRequest,
  errors?: FieldError[],
): Problem {
  return {
    type: `urn:foghorn:problem:${code.toLowerCase().replace(/_/g, "-")}`,
    title: TITLES[status] ?? "Error",
    status,
    detail,
    instance: req.url,
    code,
    request_id: req.id,
    ...(errors?.length ? { errors } : {}),
  };
}

/** Maps a transport-level failure (bad JSON, too large, wrong content type) to a problem. */
function fromFastifyError(error: FastifyError, req: FastifyRequest, bodyLimit: number): Problem | undefined {
  switch (error.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return problem(
        413,
        "PAYLOAD_TOO_LARGE",
        `The request body is larger than ${bodyLimit} bytes; send less data per request`,
        req,
      );
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return problem(
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        "Send the body as JSON with the header Content-Type: application/json",
        req,
      );
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return problem(
        400,
        "INVALID_JSON",
        "The body is empty but Content-Type is application/json; send a JSON object",
        req,
      );
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return problem(
        400,
        "INVALID_JSON",
        `The body is not valid JSON (${error.message}); check quoting and commas`,
        req,
      );
  }
  if (error instanceof SyntaxError || error.statusCode === 400) {
    return problem(400, "INVALID_JSON", `The request could not be read: ${error.message}`, req);
  }
  if (error.statusCode === 413) return problem(413, "PAYLOAD_TOO_LARGE", error.message, req);
  if (error.statusCode === 415) return problem(415, "UNSUPPORTED_MEDIA_TYPE", error.message, req);
  return undefined;
}

/** Fastify error handler: every error becomes RFC 9457 problem+json; only real faults are 500. */
export function problemErrorHandler(bodyLimit: number) {
  return (error: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    let body: Problem;
    if (error instanceof AppError) {
      body = {
        ...problem(STATUS_BY_CODE[error.code], error.code, error.detail, req, error.fields),
        ...error.extra,
      };
    } else {
      const mapped = fromFastifyError(error, req, bodyLimit);
      if (mapped) {
        body = mapped;
      } else {
        req.log.error({ err: error }, "request failed");
        body = problem(
          500,
          "INTERNAL",
          `Something went wrong on our side; the log has details under request id ${req.id}`,
          req,
        );
      }
    }
    if (body.status >= 400 && body.status < 500)
      req.log.debug({ code: body.code, detail: body.detail }, "request refused");
    return reply.status(body.status).type("application/problem+json").send(body);
  };
}

export function notFoundHandler(req: FastifyRequest, reply: FastifyReply) {
  return reply
    .status(404)
    .type("application/problem+json")
    .send(
      problem(
        404,
        "NOT_FOUND",
        `No route ${req.method} ${req.url.split("?")[0]}; see /api/v1/docs for the API`,
        req,
      ),
    );
}

export function unauthenticated(req: FastifyRequest, detail: string): Problem {
  return problem(401, "UNAUTHENTICATED", detail, req);
}

export function forbidden(req: FastifyRequest, detail: string): Problem {
  return problem(403, "FORBIDDEN", detail, req);
}
