import type { CommandGroup, CommandSpec } from "../command.ts";
import { duration, orDash, timestamp } from "../format.ts";
import { type Page, printPage } from "../paging.ts";
import { printCheckTable } from "../render/alerting.ts";
import {
  type CheckResult,
  deleteResource,
  type HealthCheck,
  millisecondsFlag,
  printServiceItems,
  SERVICE_FLAG,
  secondsFlag,
  servicePath,
} from "./alerting-shared.ts";

const NAME_ARG = { name: "NAME", description: "The check's name, e.g. api" };

const checkPath = (service: string, name: string, sub = "") =>
  servicePath(service, `/health-checks/${encodeURIComponent(name.trim())}${sub}`);

const add: CommandSpec = {
  kind: "command",
  name: "add",
  summary: "Add an HTTP health check: the server probes the URL and alerts after repeated failures",
  description:
    "A probe passes when the status matches --expect and, if given, the body contains --keyword and the\n" +
    "value at --json-path equals --json-equals. After --failures failures in a row it opens an alert on\n" +
    "the service; the first pass resolves it. Durations: 30s, 2m, 500ms; a plain number is seconds.\n" +
    "Here --url is the URL to probe; give the Foghorn server's URL with --server (or FOGHORN_URL).",
  serverUrlFlag: "server",
  flags: [
    SERVICE_FLAG,
    {
      name: "name",
      type: "string",
      value: "NAME",
      description: "A short name, unique in the service, e.g. api (required)",
    },
    {
      name: "url",
      type: "string",
      value: "URL",
      description: "The URL to probe, e.g. https://checkout.example.com/healthz (required)",
    },
    { name: "method", type: "string", value: "METHOD", description: "GET (default) or HEAD" },
    {
      name: "interval",
      type: "string",
      value: "DURATION",
      description: "How often to probe (default 60s, at least 5s)",
    },
    {
      name: "timeout",
      type: "string",
      value: "DURATION",
      description: "How long one probe may take (default 5s, at most 60s)",
    },
    {
      name: "expect",
      type: "string",
      value: "STATUS",
      description: "Passing status codes: 2xx (default), 200 or 200,204",
    },
    { name: "keyword", type: "string", value: "TEXT", description: "Text the body must contain" },
    { name: "json-path", type: "string", value: "PATH", description: "A JSON value to test, e.g. $.status" },
    {
      name: "json-equals",
      type: "string",
      value: "VALUE",
      description: "What --json-path must equal, e.g. ok",
    },
    {
      name: "failures",
      type: "string",
      value: "N",
      description: "Failures in a row before an alert (default 3)",
    },
  ],
  connects: true,
  examples: [
    "foghorn check add --service checkout --name api --url https://checkout.example.com/healthz",
    "foghorn check add --service checkout --name deep --url https://checkout.example.com/status --interval 30s --timeout 2s --json-path '$.status' --json-equals ok --failures 2",
    "foghorn check add --service search --name home --url https://search.example.com/ --expect 200 --keyword Search",
  ],
  async run(ctx) {
    const a = ctx.args;
    const service = a.requiredString("service");
    const optional = {
      method: a.string("method")?.trim().toUpperCase(),
      interval_seconds: secondsFlag(ctx, "interval"),
      timeout_ms: millisecondsFlag(ctx, "timeout"),
      expected_status: a.string("expect"),
      keyword: a.string("keyword"),
      json_path: a.string("json-path"),
      json_equals: a.string("json-equals"),
      failure_threshold: a.integer("failures"),
    };
    const body = {
      name: a.requiredString("name"),
      url: a.requiredString("url"),
      ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
    };
    const check = await ctx.api().post<HealthCheck>(servicePath(service, "/health-checks"), body, {
      fieldNames: {
        name: "--name",
        url: "--url",
        method: "--method",
        interval_seconds: "--interval",
        timeout_ms: "--timeout",
        expected_status: "--expect",
        keyword: "--keyword",
        json_path: "--json-path",
        json_equals: "--json-equals",
        failure_threshold: "--failures",
      },
    });
    ctx.out.result(check, (k) => {
      ctx.out.print(
        `Added check "${k.name}" to ${service}: ${k.method} ${k.url} every ${duration(k.interval_seconds)}, ` +
          `alert after ${k.failure_threshold} failures in a row.`,
      );
      ctx.out.print(ctx.out.color.dim(`Results: foghorn check results --service ${service} ${k.name}`));
    });
    return 0;
  },
};

const list: CommandSpec = {
  kind: "command",
  name: "list",
  aliases: ["ls"],
  summary: "List a service's health checks with their state",
  flags: [SERVICE_FLAG],
  connects: true,
  examples: [
    "foghorn check list --service checkout",
    "foghorn check list --service checkout --json | jq -r '.items[] | select(.state == \"failing\") | .name'",
  ],
  async run(ctx) {
    await printServiceItems(
      ctx,
      (s) => s.health_checks,
      (name) => [
        `No health checks on ${name}. Add one:`,
        `  foghorn check add --service ${name} --name api --url https://…/healthz`,
      ],
      (items) => printCheckTable(ctx.out, items, ctx.now()),
    );
    return 0;
  },
};

const remove: CommandSpec = {
  kind: "command",
  name: "delete",
  aliases: ["rm"],
  summary: "Delete a health check (an alert it opened stays until resolved)",
  args: [NAME_ARG],
  flags: [SERVICE_FLAG],
  connects: true,
  examples: [
    "foghorn check delete --service checkout api",
    "foghorn check rm --service checkout deep --json",
  ],
  async run(ctx) {
    const service = ctx.args.requiredString("service");
    const name = ctx.args.arg("NAME").trim();
    await deleteResource(
      ctx,
      checkPath(service, name),
      { service, name },
      `Deleted check "${name}" of ${service}.`,
    );
    return 0;
  },
};

const results: CommandSpec = {
  kind: "command",
  name: "results",
  summary: "Show a health check's latest probe results, newest first",
  args: [NAME_ARG],
  flags: [SERVICE_FLAG],
  connects: true,
  examples: [
    "foghorn check results --service checkout api",
    "foghorn check results --service checkout api --json | jq '[.items[].latency_ms] | add / length'",
  ],
  async run(ctx) {
    const service = ctx.args.requiredString("service");
    const name = ctx.args.arg("NAME");
    const page = await ctx.api().get<Page<CheckResult>>(checkPath(service, name, "/results"));
    const c = ctx.out.color;
    printPage(ctx, page, [`No results yet: the first probe of "${name}" has not run.`], (items) =>
      ctx.out.table(
        ["AT", "RESULT", "STATUS", "LATENCY", "ERROR"],
        items.map((r) => [
          timestamp(r.at),
          r.ok ? { text: "ok", paint: c.green } : { text: "failed", paint: (s: string) => c.bold(c.red(s)) },
          r.status_code === null ? "-" : String(r.status_code),
          r.latency_ms === null ? "-" : `${r.latency_ms}ms`,
          orDash(r.error),
        ]),
      ),
    );
    return 0;
  },
};

export const checkGroup: CommandGroup = {
  kind: "group",
  name: "check",
  summary: "HTTP health checks: the server probes a service's URLs and alerts when they fail",
  description: "A service with failing checks shows as degraded (some failing) or down (all failing).",
  children: [add, list, results, remove],
  examples: [
    "foghorn check add --service checkout --name api --url https://checkout.example.com/healthz --interval 30s",
    "foghorn check list --service checkout",
    "foghorn check results --service checkout api",
  ],
};
