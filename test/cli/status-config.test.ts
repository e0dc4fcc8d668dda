// `foghorn status component|group|maintenance|settings` against a real server: what a person types and reads.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { uniqueName } from "../helpers/factories.ts";
import { startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";
import { cli, serverEnv } from "./run-cli.ts";

let server: TestFoghorn;
let env: Record<string, string>;
const run = (...argv: string[]) => cli(argv, { env });

before(async () => {
  server = await startTestFoghorn("pglite");
  env = serverEnv(server);
});
after(async () => {
  await server?.close();
});

test("components and groups: create, list, set the status by hand and back, edit, delete", async () => {
  const svc = uniqueName("checkout");
  assert.equal((await server.api("/api/v1/services", { body: { name: svc } })).status, 201);
  const group = uniqueName("Payments");
  const name = uniqueName("Checkout");

  const g = await run("status", "group", "create", group);
  assert.equal(g.code, 0, g.stderr);
  assert.match(g.stdout, new RegExp(`Created group ${group} \\([a-z0-9]{12}\\): operational`));

  const c = await run(
    "status",
    "component",
    "create",
    name,
    "--group",
    group,
    "--service",
    svc,
    "--description",
    "Buying things",
  );
  assert.equal(c.code, 0, c.stderr);
  assert.match(c.stdout, new RegExp(`Created component ${name} .*: operational`));
  assert.match(c.stdout, new RegExp(`services: ${svc}`));

  const dup = await run("status", "component", "create", name.toUpperCase());
  assert.equal(dup.code, 1);
  assert.match(dup.stderr, /already exists/);
  const missing = await run("status", "component", "create", uniqueName("X"), "--service", "no-such-service");
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /foghorn service create no-such-service/);
  const notGroup = await run("status", "component", "create", uniqueName("Y"), "--group", name);
  assert.equal(notGroup.code, 2);
  assert.match(notGroup.stderr, /is a component, not a group/);

  const list = await run("status", "component", "list");
  assert.equal(list.code, 0, list.stderr);
  const lines = list.stdout.split("\n");
  const at = lines.findIndex((l) => l.startsWith(group));
  assert.ok(at > 0, list.stdout);
  assert.match(
    lines[at + 1] ?? "",
    new RegExp(`^└ ${name}\\s+operational\\s+${svc}\\s+[a-z0-9]{12}$`),
    "indented under its group",
  );

  const set = await run("status", "component", "set-status", name.toLowerCase(), "major-outage");
  assert.equal(set.code, 0, set.stderr);
  assert.match(
    set.stdout,
    /is now major_outage \(set by hand; undo: foghorn status component set-status \w+ auto\)/,
  );
  assert.match(
    (await run("status", "component", "list")).stdout,
    new RegExp(`${name}\\s+major_outage \\(manual\\)`),
  );
  const json = JSON.parse((await run("status", "component", "list", "--json")).stdout) as {
    components: { name: string; manual_status: string | null; manual_status_by: string | null }[];
  };
  const mine = json.components.find((x) => x.name === name);
  assert.deepEqual([mine?.manual_status, mine?.manual_status_by], ["major_outage", "admin"]);
  const bad = await run("status", "component", "set-status", name, "down");
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /must be one of operational, degraded_performance/);
  const auto = await run("status", "component", "set-status", name, "auto");
  assert.match(auto.stdout, /is back to automatic: operational/);

  const edited = await run("status", "component", "edit", name, "--group", "none", "--no-services");
  assert.equal(edited.code, 0, edited.stderr);
  assert.match(edited.stdout, /services: none/);
  assert.equal((await run("status", "component", "edit", name)).code, 2, "nothing to change");

  const del = await run("status", "component", "delete", group);
  assert.equal(del.code, 0, del.stderr);
  assert.match(del.stdout, /Removed/);
  assert.equal((await run("status", "component", "delete", group)).code, 3);
});

test("settings: shown, changed, and field errors named by their flags", async () => {
  const shown = await run("status", "settings");
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /Time zone\s+UTC/);
  assert.match(shown.stdout, /Incident → status\s+SEV1=major_outage/);

  const saved = await run(
    "status",
    "settings",
    "--name",
    "Acme status",
    "--time-zone",
    "Europe/Berlin",
    "--custom-domain",
    "status.acme.test",
    "--footer-link",
    "Home=https://acme.test",
  );
  assert.equal(saved.code, 0, saved.stderr);
  assert.match(saved.stdout, /Saved\./);
  assert.match(saved.stdout, /URL\s+https:\/\/status\.acme\.test/);
  assert.match(saved.stdout, /Footer links\s+Home <https:\/\/acme\.test>/);

  const bad = await run("status", "settings", "--brand-color", "red", "--custom-domain", "https://x.test");
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /--brand-color: must be a colour as #rrggbb/);
  assert.match(bad.stderr, /--custom-domain: must be a bare host name/);

  const json = JSON.parse((await run("status", "settings", "--custom-domain", "none", "--json")).stdout) as {
    custom_domain: string | null;
    time_zone: string;
  };
  assert.deepEqual([json.custom_domain, json.time_zone], [null, "Europe/Berlin"]);
});

test("maintenance: schedule in the page's zone, list, update, complete, cancel", async () => {
  await run("status", "settings", "--time-zone", "Europe/Berlin");
  const name = uniqueName("API");
  assert.equal((await run("status", "component", "create", name)).code, 0);

  const created = await run(
    "status",
    "maintenance",
    "create",
    "Database upgrade",
    "--start",
    "2030-12-24 22:00",
    "--end",
    "2030-12-25 00:30",
    "--component",
    name,
    "--message",
    "Read-only for a while.",
  );
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stdout, /Scheduled Database upgrade \(([a-z0-9]{12})\): scheduled/);
  assert.match(created.stdout, /when:\s+2030-12-24 22:00 → 2030-12-25 00:30 Europe\/Berlin/);
  assert.match(created.stdout, new RegExp(`components: ${name}`));
  const id = /\(([a-z0-9]{12})\)/.exec(created.stdout)?.[1] ?? "";

  const json = JSON.parse((await run("status", "maintenance", "show", id, "--json")).stdout) as {
    scheduled_for: string;
  };
  assert.equal(json.scheduled_for, "2030-12-24T21:00:00.000Z", "read in the page's zone");

  const list = await run("status", "maintenance", "list", "--state", "upcoming");
  assert.equal(list.code, 0, list.stderr);
  assert.match(
    list.stdout,
    new RegExp(
      `${id}\\s+scheduled\\s+2030-12-24 22:00 → 2030-12-25 00:30 Europe/Berlin\\s+Database upgrade\\s+${name}`,
    ),
  );

  const noEnd = await run("status", "maintenance", "create", "x", "--start", "2030-12-24 22:00");
  assert.equal(noEnd.code, 2);
  assert.match(noEnd.stderr, /needs --end/);
  const wrongOrder = await run(
    "status",
    "maintenance",
    "create",
    "x",
    "--start",
    "2030-12-24 22:00",
    "--end",
    "2030-12-24 21:00",
  );
  assert.equal(wrongOrder.code, 1);
  assert.match(wrongOrder.stderr, /--end: must be after scheduled_for/);

  const edited = await run("status", "maintenance", "edit", id, "--end", "2030-12-25 01:00");
  assert.equal(edited.code, 0, edited.stderr);
  assert.match(edited.stdout, /2030-12-24 22:00 → 2030-12-25 01:00/);

  const update = await run(
    "status",
    "maintenance",
    "update",
    id,
    "Starting",
    "early.",
    "--status",
    "in_progress",
  );
  assert.equal(update.code, 0, update.stderr);
  assert.match(update.stdout, /it is in_progress\./);
  const done = await run("status", "maintenance", "complete", id);
  assert.equal(done.code, 0, done.stderr);
  const show = await run("status", "maintenance", "show", id);
  assert.match(show.stdout, /\[completed\] Scheduled maintenance has been completed\./);
  assert.match(show.stdout, /\[in_progress\] Starting early\./);
  assert.match(show.stdout, /\[scheduled\] Read-only for a while\./);

  const cancelled = await run("status", "maintenance", "cancel", id);
  assert.equal(cancelled.code, 0, cancelled.stderr);
  assert.equal((await run("status", "maintenance", "show", id)).code, 3);
  await run("status", "settings", "--time-zone", "UTC");
});
