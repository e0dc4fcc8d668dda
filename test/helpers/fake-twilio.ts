/**
 * A local Twilio REST API for tests: `POST /2010-04-01/Accounts/{sid}/Messages.json` and `Calls.json`
 * with HTTP basic auth (account sid : auth token), answering with Twilio's JSON shapes (201 with the
 * resource; errors as `{ code, message, more_info, status }`). Pass `url` as the channel's baseUrl.
 * Requests to anything else are answered 404 and listed in `unexpected`.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export interface TwilioRequest {
  resource: "Messages" | "Calls";
  accountSid: string;
  params: Record<string, string>;
  /** The response's sid, when one was created. */
  sid?: string;
}

export interface FakeTwilioFailure {
  status: number;
  code?: number;
  message?: string;
  retryAfterSeconds?: number;
}

export interface FakeTwilio {
  url: string;
  accountSid: string;
  authToken: string;
  requests: TwilioRequest[];
  messages(): TwilioRequest[];
  calls(): TwilioRequest[];
  unexpected: string[];
  /** The next `count` requests fail with this status and Twilio error body. */
  failNext(count: number, failure: FakeTwilioFailure): void;
  close(): Promise<void>;
}

const E164 = /^\+[1-9]\d{6,14}$/;

function sid(prefix: string): string {
  return `${prefix}${randomBytes(16).toString("hex")}`;
}

function rfc2822(date: Date): string {
  return date.toUTCString().replace("GMT", "+0000");
}

function twilioError(status: number, code: number, message: string) {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

export async function startFakeTwilio(
  options: { accountSid?: string; authToken?: string } = {},
): Promise<FakeTwilio> {
  const accountSid = options.accountSid ?? `AC${"0".repeat(31)}1`;
  const authToken = options.authToken ?? "twilio-test-auth-token";
  const requests: TwilioRequest[] = [];
  const unexpected: string[] = [];
  const failures: FakeTwilioFailure[] = [];

  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const json = (status: number, payload: object, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
      res.end(JSON.stringify(payload));
    };
    const match = /^\/2010-04-01\/Accounts\/([^/]+)\/(Messages|Calls)\.json$/.exec(req.url ?? "");
    if (req.method !== "POST" || !match?.[1] || (match[2] !== "Messages" && match[2] !== "Calls")) {
      unexpected.push(`${req.method} ${req.url}`);
      json(404, twilioError(404, 20404, "The requested resource was not found"));
      return;
    }
    const resource = match[2];
    const params = Object.fromEntries(new URLSearchParams(body));
    const request: TwilioRequest = { resource, accountSid: match[1], params };
    requests.push(request);

    const expected = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString("base64")}`;
    if (req.headers.authorization !== expected) {
      json(401, twilioError(401, 20003, "Authenticate"));
      return;
    }
    if (match[1] !== accountSid) {
      json(
        404,
        twilioError(404, 20404, `The requested resource /2010-04-01/Accounts/${match[1]} was not found`),
      );
      return;
    }
    const failure = failures.shift();
    if (failure) {
      const headers: Record<string, string> =
        failure.retryAfterSeconds === undefined ? {} : { "retry-after": String(failure.retryAfterSeconds) };
      json(
        failure.status,
        twilioError(failure.status, failure.code ?? 20500, failure.message ?? "Internal Server Error"),
        headers,
      );
      return;
    }
    const to = params.To ?? "";
    if (!E164.test(to)) {
      json(400, twilioError(400, 21211, `The 'To' number ${to} is not a valid phone number.`));
      return;
    }
    const now = rfc2822(new Date());
    if (resource === "Messages") {
      if (!params.Body) return json(400, twilioError(400, 21602, "Message body is required."));
      request.sid = sid("SM");
      json(201, {
        account_sid: accountSid,
        api_version: "2010-04-01",
        body: params.Body,
        date_created: now,
        date_sent: null,
        date_updated: now,
        direction: "outbound-api",
        error_code: null,
        error_message: null,
        from: params.From ?? null,
        messaging_service_sid: null,
        num_media: "0",
        num_segments: String(Math.ceil(params.Body.length / 153)),
        price: null,
        price_unit: "USD",
        sid: request.sid,
        status: "queued",
        subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${request.sid}/Media.json` },
        to,
        uri: `/2010-04-01/Accounts/${accountSid}/Messages/${request.sid}.json`,
      });
      return;
    }
    if (!params.Twiml && !params.Url && !params.ApplicationSid) {
      return json(400, twilioError(400, 21205, "Url parameter is required."));
    }
    request.sid = sid("CA");
    json(201, {
      account_sid: accountSid,
      annotation: null,
      answered_by: null,
      api_version: "2010-04-01",
      caller_name: null,
      date_created: now,
      date_updated: now,
      direction: "outbound-api",
      duration: null,
      end_time: null,
      forwarded_from: null,
      from: params.From ?? null,
      from_formatted: params.From ?? null,
      group_sid: null,
      parent_call_sid: null,
      phone_number_sid: sid("PN"),
      price: null,
      price_unit: "USD",
      sid: request.sid,
      start_time: null,
      status: "queued",
      subresource_uris: {},
      to,
      to_formatted: to,
      trunk_sid: null,
      uri: `/2010-04-01/Accounts/${accountSid}/Calls/${request.sid}.json`,
      queue_time: "0",
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    accountSid,
    authToken,
    requests,
    messages: () => requests.filter((r) => r.resource === "Messages" && r.sid),
    calls: () => requests.filter((r) => r.resource === "Calls" && r.sid),
    unexpected,
    failNext(count, failure) {
      for (let i = 0; i < count; i++) failures.push(failure);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString("utf8");
}
