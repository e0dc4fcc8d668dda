import type { FastifyInstance } from "fastify";
import { AppError } from "#app/errors.ts";
import { type DigestDeps, previewDigest, sendDigestNow } from "#app/metrics/digest.ts";
import type { ApiRegistry } from "../openapi.ts";

// The weekly digest (docs/metrics.md "Weekly digest"): its preview, and sending it now. The scheduled one
// is the engine's (engine/metrics-digest.ts).

/** The digest's routes; without `digest` (a server built without the engine's settings) they answer 409. */
export function registerMetricsDigestRoutes(
  app: FastifyInstance,
  api: ApiRegistry,
  digest: DigestDeps | undefined,
): void {
  const tag = "Metrics";
  const deps = (): DigestDeps => {
    if (!digest) throw new AppError("CONFLICT", "The weekly digest is not available on this server");
    return digest;
  };
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/metrics/digest",
      access: "read",
      tag,
      summary: "The weekly digest of the last seven full days, as it would be sent now",
      description:
        "Subject, plain text, HTML and Slack mrkdwn of the digest covering the seven full UTC days before now, " +
        "with the metrics.weeklyDigest settings in force and when the scheduled one goes out next.",
      success: 200,
      responseDescription: "{range, subject, text, html, slack, settings}",
    },
    (_req, ctx) => previewDigest(ctx, deps().settings),
  );
  api.add(
    app,
    {
      method: "POST",
      url: "/api/v1/metrics/digest/send",
      access: "admin",
      tag,
      summary: "Send the weekly digest now (admins)",
      description:
        "Sends the digest of the seven full UTC days before now to the configured email addresses and Slack " +
        "channel. 409 when none is configured; 503 when a destination did not take it. The scheduled digest " +
        "still goes out at its time.",
      success: 200,
      responseDescription: "{range, email, slack_channel}: what was sent where",
    },
    (_req, ctx) => sendDigestNow(ctx, deps()),
  );
}
