import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { BaseContext } from "#app/context.ts";
import { isAppError } from "#app/errors.ts";
import {
  AddSubscriberInput,
  addSubscriber,
  confirmSubscription,
  enableSubscriber,
  findByUnsubscribeToken,
  ListSubscribersQuery,
  listSubscribers,
  removeSubscriber,
  type SubscriptionOptions,
  subscribe,
  subscriptionPage,
  unsubscribe,
} from "#app/status-page/subscribers.ts";
import {
  type MessagePageOptions,
  renderMessagePage,
  statusPageCsp,
} from "#domain/status-page/render-html.ts";
import type { PageInfo } from "#domain/status-page/types.ts";
import type { ApiRegistry } from "../openapi.ts";
import { STATUS_BY_CODE } from "../problem.ts";

// The status page's subscriptions: the public subscribe form (HTML forms without JavaScript, and JSON),
// the confirmation and one-click unsubscribe links, under /status and at the root of the custom domain;
// and the admin API under /api/v1/status-page/subscribers.

/** Subscribe requests one IP may make per window (in memory, per process: see issue 11 for replicas). */
export const SUBSCRIBE_LIMIT = 10;
export const SUBSCRIBE_WINDOW_MS = 10 * 60 * 1000;

/** A fixed-window counter per client IP. */
export class SubscribeRateLimiter {
  readonly #hits = new Map<string, { start: number; count: number }>();
  constructor(
    private readonly limit = SUBSCRIBE_LIMIT,
    private readonly windowMs = SUBSCRIBE_WINDOW_MS,
  ) {}

  /** Counts a request; the seconds to wait when over the limit, else undefined. */
  hit(ip: string, now: number): number | undefined {
    if (this.#hits.size > 10_000)
      for (const [key, w] of this.#hits) if (now - w.start >= this.windowMs) this.#hits.delete(key);
    const w = this.#hits.get(ip);
    if (!w || now - w.start >= this.windowMs || now < w.start) {
      this.#hits.set(ip, { start: now, count: 1 });
      return undefined;
    }
    w.count += 1;
    return w.count > this.limit ? Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000)) : undefined;
  }
}

type Form = { form: true; fields: URLSearchParams };
const isForm = (body: unknown): body is Form =>
  typeof body === "object" && body !== null && (body as Form).form === true;

/** Form fields as the use case's input: `component_ids` may repeat (checkboxes) or be comma-separated. */
function formInput(fields: URLSearchParams): Record<string, unknown> {
  const ids = fields
    .getAll("component_ids")
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter(Boolean);
  return { email: fields.get("email") ?? "", ...(ids.length ? { component_ids: ids } : {}) };
}

const FIELD_LABELS: Record<string, string> = { email: "Email address", component_ids: "Components" };

export interface StatusSubscribeDeps {
  context: BaseContext;
  options: SubscriptionOptions;
  bodyLimit: number;
}

/** The public subscription routes (no authentication) and the admin API. */
export function registerStatusSubscriberRoutes(
  app: FastifyInstance,
  api: ApiRegistry,
  deps: StatusSubscribeDeps,
): void {
  registerAdminRoutes(app, api, deps.options);
  const ctx = deps.context;
  const limiter = new SubscribeRateLimiter();

  /** The page and the path prefix of this request: "" on the custom domain, "/status" elsewhere; null: not ours. */
  async function where(
    req: FastifyRequest,
    prefixed: boolean,
  ): Promise<{ page: PageInfo; base: string } | null> {
    const page = await subscriptionPage(ctx);
    if (prefixed) return { page, base: "/status" };
    const host = req.hostname.toLowerCase().replace(/\.$/, "");
    return page.customDomain && host === page.customDomain ? { page, base: "" } : null;
  }

  function html(reply: FastifyReply, page: PageInfo, status: number, opts: MessagePageOptions) {
    return reply
      .status(status)
      .header("content-security-policy", statusPageCsp(page))
      .header("cache-control", "no-store")
      .header("referrer-policy", "no-referrer")
      .type("text/html; charset=utf-8")
      .send(renderMessagePage(page, opts));
  }

  const tokenOf = (req: FastifyRequest) => {
    const token = (req.query as Record<string, unknown>).token;
    return typeof token === "string" ? token.trim() : "";
  };

  app.register(async (scope) => {
    // HTML forms post x-www-form-urlencoded; RFC 8058 one-click unsubscribe may post multipart/form-data
    // (its body says only "List-Unsubscribe=One-Click": the token is in the URL). Scoped to these routes.
    scope.addContentTypeParser(
      "application/x-www-form-urlencoded",
      { parseAs: "string", bodyLimit: Math.min(deps.bodyLimit, 64 * 1024) },
      (_req, body, done) => done(null, { form: true, fields: new URLSearchParams(String(body)) }),
    );
    scope.addContentTypeParser(
      "multipart/form-data",
      { parseAs: "buffer", bodyLimit: Math.min(deps.bodyLimit, 64 * 1024) },
      (_req, _body, done) => done(null, { form: true, fields: new URLSearchParams() }),
    );

    for (const prefixed of [true, false]) {
      const prefix = prefixed ? "/status" : "";

      scope.post(`${prefix}/subscribe`, async (req, reply) => {
        const at = await where(req, prefixed);
        if (!at) return reply.callNotFound();
        const body = req.body;
        const form = isForm(body) ? body : undefined;
        const retryAfter = limiter.hit(req.ip, ctx.clock.now().getTime());
        if (retryAfter !== undefined) {
          reply.header("retry-after", String(retryAfter));
          const detail = `Too many subscribe requests from your address; try again in ${Math.ceil(retryAfter / 60)} minute(s).`;
          if (form)
            return html(reply, at.page, 429, { base: at.base, title: "Please wait", paragraphs: [detail] });
          return reply.status(429).type("application/problem+json").send({
            type: "urn:foghorn:problem:rate-limited",
            title: "Too Many Requests",
            status: 429,
            detail,
            instance: req.url,
            code: "RATE_LIMITED",
            request_id: req.id,
          });
        }
        try {
          const answer = await subscribe(ctx, form ? formInput(form.fields) : body, deps.options);
          if (!form) return reply.status(202).send(answer);
          return html(reply, at.page, 200, {
            base: at.base,
            title: "Check your inbox",
            paragraphs: [answer.message],
          });
        } catch (error) {
          if (!form || !isAppError(error)) throw error;
          const paragraphs = error.fields.length
            ? error.fields.map((f) => `${FIELD_LABELS[f.field] ?? f.field}: ${f.message}.`)
            : [error.detail];
          return html(reply, at.page, STATUS_BY_CODE[error.code], {
            base: at.base,
            title: "That did not work",
            paragraphs: [...paragraphs, "Go back, correct it, and send the form again."],
          });
        }
      });

      scope.get(`${prefix}/subscribe/confirm`, async (req, reply) => {
        const at = await where(req, prefixed);
        if (!at) return reply.callNotFound();
        const result = await confirmSubscription(ctx, tokenOf(req));
        const { page, base } = at;
        if (result.outcome === "confirmed")
          return html(reply, page, 200, {
            base,
            title: "You are subscribed",
            paragraphs: [
              `${result.subscriber.target} will receive ${page.name} status updates` +
                (result.subscriber.componentIds.length ? " for the components you chose." : "."),
              "Every message has a link to unsubscribe with one click.",
            ],
          });
        if (result.outcome === "expired")
          return html(reply, page, 410, {
            base,
            title: "This link has expired",
            paragraphs: [
              "Confirmation links work for 7 days. Subscribe again on the status page to get a new one.",
            ],
          });
        return html(reply, page, 404, {
          base,
          title: "This link does not work",
          paragraphs: [
            "It was already used, a newer confirmation mail replaced it, or it was copied incompletely. " +
              "If you are not receiving updates, subscribe again on the status page.",
          ],
        });
      });

      scope.get(`${prefix}/unsubscribe`, async (req, reply) => {
        const at = await where(req, prefixed);
        if (!at) return reply.callNotFound();
        const token = tokenOf(req);
        const sub = await findByUnsubscribeToken(ctx, token);
        if (!sub) return notSubscribed(reply, at.page, at.base);
        const who =
          sub.kind === "email" ? sub.target : `this ${sub.kind === "slack" ? "Slack webhook" : "webhook"}`;
        return html(reply, at.page, 200, {
          base: at.base,
          title: "Unsubscribe?",
          paragraphs: [`Stop sending ${at.page.name} status updates to ${who}?`],
          form: {
            action: `${at.base}/unsubscribe?token=${encodeURIComponent(token)}`,
            button: "Unsubscribe",
          },
        });
      });

      scope.post(`${prefix}/unsubscribe`, async (req, reply) => {
        const at = await where(req, prefixed);
        if (!at) return reply.callNotFound();
        const done = await unsubscribe(ctx, tokenOf(req));
        if (!done) return notSubscribed(reply, at.page, at.base);
        if (!isForm(req.body) && req.headers["content-type"]?.includes("json"))
          return reply.status(200).send({ status: "unsubscribed" });
        return html(reply, at.page, 200, {
          base: at.base,
          title: "You are unsubscribed",
          paragraphs: [`You will not receive ${at.page.name} status updates any more.`],
        });
      });
    }

    function notSubscribed(reply: FastifyReply, page: PageInfo, base: string) {
      return html(reply, page, 404, {
        base,
        title: "Not subscribed",
        paragraphs: [
          "This unsubscribe link matches no subscription: it was already used, or it was copied incompletely. " +
            "Nothing more will be sent for it.",
        ],
      });
    }
  });
}

const param = (req: FastifyRequest, name: string) => (req.params as Record<string, string>)[name] ?? "";

function registerAdminRoutes(app: FastifyInstance, api: ApiRegistry, options: SubscriptionOptions): void {
  const tag = "Status page";
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/status-page/subscribers",
      access: "manage",
      tag,
      summary: "List the status page's subscribers (email, webhook, Slack)",
      query: ListSubscribersQuery,
      success: 200,
      responseDescription: "{ subscribers: Subscriber[] }, oldest first",
    },
    (req, ctx) => listSubscribers(ctx, req.query),
  );
  api.add(
    app,
    {
      method: "POST",
      url: "/api/v1/status-page/subscribers",
      access: "manage",
      tag,
      summary: "Add a subscriber: an email address, a webhook URL or a Slack incoming webhook",
      description:
        "Webhook and Slack subscribers are active at once; a webhook's signing secret is in the answer, once. " +
        "An email address gets the confirmation mail unless skip_confirmation (409 when SMTP is not configured).",
      body: AddSubscriberInput,
      success: 201,
      responseDescription: "The subscriber (with `secret` for a webhook)",
    },
    (req, ctx) => addSubscriber(ctx, req.body, options),
  );
  api.add(
    app,
    {
      method: "DELETE",
      url: "/api/v1/status-page/subscribers/:id",
      access: "manage",
      tag,
      summary: "Delete a subscriber: nothing more is sent to it",
      success: 204,
      responseDescription: "Deleted",
    },
    async (req, ctx) => {
      await removeSubscriber(ctx, param(req, "id"));
      return null;
    },
  );
  api.add(
    app,
    {
      method: "POST",
      url: "/api/v1/status-page/subscribers/:id/enable",
      access: "manage",
      tag,
      summary: "Re-enable a subscriber disabled after failed deliveries (its failure count starts again)",
      success: 200,
      responseDescription: "The subscriber",
    },
    (req, ctx) => enableSubscriber(ctx, param(req, "id")),
  );
}
