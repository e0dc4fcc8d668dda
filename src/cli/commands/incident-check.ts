import type { checkAffectedServices } from "#app/incidents/check-services.ts";
import type { CommandSpec } from "../command.ts";
import { INCIDENT_ARG, incidentPath } from "./incident-shared.ts";

type CheckReport = Awaited<ReturnType<typeof checkAffectedServices>>;

/** `foghorn incident check-services INC-7`: seed 001's "check affected services" triage step. */
export const checkServicesCommand: CommandSpec = {
  kind: "command",
  name: "check-services",
  summary: "Run the health checks of every affected service now and attach the results as evidence",
  description:
    "All checks run at once on the server; each result is added to the incident as health_check\n" +
    "evidence with a timeline entry. A service without checks is listed as such (add some with\n" +
    "foghorn check add). Exits 0 even when checks fail: failing checks are findings, not errors.",
  args: [INCIDENT_ARG],
  connects: true,
  examples: [
    "foghorn incident check-services INC-7",
    "foghorn incident check-services INC-7 --json | jq '.services[].checks[] | select(.ok | not)'",
  ],
  async run(ctx) {
    const report = await ctx
      .api()
      .post<CheckReport>(incidentPath(ctx.args.arg("INCIDENT"), "/check-services"));
    const c = ctx.out.color;
    ctx.out.result(report, (r) => {
      for (const s of r.services) {
        if (s.note) ctx.out.print(`${c.dim("-")} ${s.service}: ${c.dim(s.note)}`);
        for (const k of s.checks)
          ctx.out.print(`${k.ok ? c.green("✓") : c.bold(c.red("✗"))} ${k.caption}  ${c.dim(k.url)}`);
      }
      const m = r.summary;
      ctx.out.print(
        `${m.checks} check${m.checks === 1 ? "" : "s"}: ${m.healthy} healthy, ${m.failing} failing` +
          `${m.without_checks ? `; ${m.without_checks} service${m.without_checks === 1 ? "" : "s"} without checks` : ""}` +
          `${m.checks ? `. Attached to ${r.incident_id} as evidence.` : "."}`,
      );
    });
    return 0;
  },
};
