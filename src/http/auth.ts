import type { FastifyReply, FastifyRequest } from "fastify";
import type { TokenAuthenticator } from "#app/auth/tokens.ts";
import type { Actor } from "#app/context.ts";
import { unauthenticated } from "./problem.ts";

declare module "fastify" {
  interface FastifyRequest {
    actor?: Actor;
  }
}

/** Requires `Authorization: Bearer <token>` and puts the token's user on the request. */
export function bearerAuth(authenticator: TokenAuthenticator) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const header = req.headers.authorization;
    if (!header) {
      return reply
        .status(401)
        .header("www-authenticate", 'Bearer realm="foghorn"')
        .type("application/problem+json")
        .send(
          unauthenticated(
            req,
            "Missing Authorization header: send Authorization: Bearer <token> (create one with `foghorn token create`)",
          ),
        );
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const actor = match?.[1] ? await authenticator.authenticate(match[1]) : undefined;
    if (!actor) {
      return reply
        .status(401)
        .header("www-authenticate", 'Bearer realm="foghorn", error="invalid_token"')
        .type("application/problem+json")
        .send(
          unauthenticated(
            req,
            "The bearer token is not valid (unknown, revoked or expired); create a new one with `foghorn token create`",
          ),
        );
    }
    req.actor = actor;
  };
}
