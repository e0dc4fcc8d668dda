import type { DigestView } from "#app/metrics/digest.ts";
import type { CommandContext, CommandSpec } from "../command.ts";
import { usageError } from "../errors.ts";

// `foghorn metrics digest`: the weekly digest of the last seven full days as the server would send it
// (GET /api/v1/metrics/digest), or sent now to its configured destinations (POST …/digest/send).
// Listed under `foghorn metrics` (commands/metrics.ts SUBCOMMANDS).

interface SendAnswer {
  range: { from: string; to: string };
  email: string[];
  slack_channel: string | null;
}

async function run(ctx: CommandContext): Promise<number> {
  const preview = ctx.args.boolean("preview");
  const send = ctx.args.boolean("send");
  const html = ctx.args.boolean("html");
  if (preview && send) throw usageError("choose one of --preview and --send");
  if (html && send) throw usageError("--html shows the preview's HTML; it cannot be combined with --send");
  if (send) {
    const answer = await ctx.api().post<SendAnswer>("/api/v1/metrics/digest/send");
    if (ctx.out.json) {
      ctx.out.printJson(answer);
      return 0;
    }
    const to = [...answer.email, ...(answer.slack_channel ? [`Slack ${answer.slack_channel}`] : [])].join(
      ", ",
    );
    ctx.out.print(`Sent the digest of ${answer.range.from} to ${answer.range.to} (exclusive) to ${to}.`);
    return 0;
  }
  const digest = await ctx.api().get<DigestView>("/api/v1/metrics/digest");
  if (ctx.out.json) {
    ctx.out.printJson(digest);
    return 0;
  }
  if (html) {
    ctx.out.print(digest.html.trimEnd());
    return 0;
  }
  ctx.out.print(`Subject: ${digest.subject}`);
  ctx.out.print();
  ctx.out.print(digest.text.trimEnd());
  return 0;
}

/** `foghorn metrics digest [--preview | --send]`. */
export const metricsDigestCommand: CommandSpec = {
  kind: "command",
  name: "digest",
  summary: "Show the weekly digest as it would be sent, or send it now",
  description:
    "The weekly digest (metrics.weeklyDigest in the configuration) covers the seven full days (UTC) before it " +
    "is sent: the week's incidents, response times, SLA, update and postmortem compliance, action items, " +
    "alerts and on-call load. --preview (the default) prints its text as the server renders it now; --send " +
    "sends it now to the configured email addresses and Slack channel (admins only; the scheduled digest " +
    "still goes out at its time).",
  flags: [
    { name: "preview", type: "boolean", description: "Print the digest's text (the default)" },
    { name: "send", type: "boolean", description: "Send it now to the configured destinations (admins)" },
    { name: "html", type: "boolean", description: "With --preview: print the email's HTML instead" },
  ],
  connects: true,
  examples: [
    "foghorn metrics digest --preview",
    "foghorn metrics digest --preview --html > digest.html",
    "foghorn metrics digest --send",
  ],
  run,
};
