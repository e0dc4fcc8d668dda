import type { listServicesWithHealth as listServices } from "#app/alerts/services.ts";
import type { CommandSpec } from "../command.ts";
import { orDash, timestamp } from "../format.ts";

type ServiceList = Awaited<ReturnType<typeof listServices>>;

export const servicesCommand: CommandSpec = {
  kind: "command",
  name: "services",
  summary: "List services (created when an incident first names them)",
  connects: true,
  examples: ["foghorn services", "foghorn services --json | jq -r '.items[].name'"],
  async run(ctx) {
    const list = await ctx.api().get<ServiceList>("/api/v1/services");
    ctx.out.result(list, ({ items }) => {
      if (items.length === 0) {
        ctx.out.print("No services yet. They are created by name when an incident names them:");
        ctx.out.print('  foghorn incident declare --title "..." --severity SEV3 --service checkout');
        return;
      }
      ctx.out.table(
        ["NAME", "DESCRIPTION", "CREATED"],
        items.map((s) => [s.name, orDash(s.description), timestamp(s.created_at)]),
      );
    });
    return 0;
  },
};
