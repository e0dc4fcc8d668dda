import { type IntegrationRow, listIntegrations } from "#store/alerts.ts";
import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { findService } from "./services.ts";

/**
 * Where `POST /api/v1/services/{name}/events` (ingest-scoped tokens) delivers: the service's oldest
 * PagerDuty Events integration. Its dedup keys, rate limit and log are shared with senders that use its
 * routing key, so an alert triggered with a token can be resolved through /v2/enqueue and the other way.
 */
export async function eventIntegrationOf(ctx: AppContext, serviceName: string): Promise<IntegrationRow> {
  const service = await findService(ctx, serviceName);
  const integration = (await listIntegrations(ctx.db, service.id)).find((i) => i.kind === "pagerduty");
  if (!integration)
    throw new AppError(
      "CONFLICT",
      `Service "${service.name}" has no PagerDuty Events integration to receive events; a manager adds one ` +
        `(foghorn integration create --service ${service.name} --kind pagerduty, or POST /api/v1/services/${service.name}/integrations {"kind":"pagerduty"})`,
    );
  return integration;
}
