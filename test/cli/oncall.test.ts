// The on-call directory from the CLI against a real server, the way an operator sets up paging: people
// and their contact methods, a team, a schedule, an escalation policy on a service, an escalation rule,
// and who is on call.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ManualClock, startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";
import { type CliResult, cli, serverEnv, tempDir } from "./run-cli.ts";

// A Monday, 08:00 UTC (09:00 in Berlin).
const NOW = "2026-12-07T08:00:00.000Z";

let server: TestFoghorn;
let env: Record<string, string>;
const run = (...argv: string[]) => cli(argv, { env });

/** Runs a command that must succeed and parses its --json output. */
async function json<T>(...argv: string[]): Promise<T> {
  const r = await run(...argv, "--json");
  assert.equal(r.code, 0, `${argv.join(" ")}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** A command that must succeed; its human output. */
async function ok(...argv: string[]): Promise<string> {
  const r = await run(...argv);
  assert.equal(r.code, 0, `${argv.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

/** Exactly one line on stderr, starting with "foghorn: ", and nothing on stdout. */
function oneLine(r: CliResult): string {
  const lines = r.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `expected one line, got:\n${r.stderr}`);
  assert.equal(r.stdout, "");
  const [line = ""] = lines;
  assert.match(line, /^foghorn: /);
  return line;
}

before(async () => {
  server = await startTestFoghorn("pglite", { clock: new ManualClock(NOW) });
  env = serverEnv(server);
});
after(() => server.close());

test("people: create, time zone, contact methods with notification rules, warnings", async () => {
  const created = await ok("user", "create", "alice", "--name", "Alice Smith", "--tz", "Europe/Berlin");
  assert.match(created, /Created alice \(responder, Europe\/Berlin\)\./);
  await ok("user", "create", "bob", "--tz", "America/New_York");
  await ok("user", "create", "carol");

  const list = await ok("user", "list");
  assert.match(list, /^USERNAME\s+NAME\s+ROLE\s+TIME ZONE\s+CONTACTS\s+WARNING$/m);
  assert.match(list, /^alice\s+Alice Smith\s+responder\s+Europe\/Berlin\s+0\s+alice has no contact method/m);

  const email = await ok(
    "contact",
    "add",
    "email",
    "alice@example.com",
    "--user",
    "alice",
    "--notify-after",
    "0",
  );
  assert.match(email, /Added email alice@example.com for alice/);
  assert.match(email, /Notified at once after a page\./);
  const sms = await json<{ id: string; address: string; warnings: string[] }>(
    "contact",
    "add",
    "sms",
    "+49 151 1234 5678",
    "--user",
    "alice",
    "--label",
    "mobile",
  );
  assert.equal(sms.address, "+4915112345678");
  assert.deepEqual(sms.warnings, [
    "sms +4915112345678 has no notification rule, so it is never used while other rules exist",
  ]);
  const rule = await ok("contact", "rule", "add", sms.id, "--after", "10m", "--user", "alice");
  assert.match(rule, /alice: sms \+4915112345678 is notified 10 min after a page/);

  const show = await ok("user", "show", "alice");
  assert.match(show, /Time zone\s+Europe\/Berlin/);
  assert.match(show, /email\s+alice@example.com\s+-\s+at once/);
  assert.match(show, /sms\s+\+4915112345678\s+mobile\s+after 10 min/);
  assert.doesNotMatch(show, /^! /m);

  const set = await json<{ time_zone: string }>("user", "set", "bob", "--tz", "Asia/Tokyo");
  assert.equal(set.time_zone, "Asia/Tokyo");
  for (const who of ["bob", "carol"])
    await ok("contact", "add", "email", `${who}@example.com`, "--user", who);

  const badPhone = await run("contact", "add", "sms", "0151 1234", "--user", "bob");
  assert.equal(badPhone.code, 1);
  assert.match(
    oneLine(badPhone),
    /"0151 1234" is not valid for sms: expected an E\.164 phone number such as \+4915112345678/,
  );
  const badKind = await run("contact", "add", "pager", "x");
  assert.equal(badKind.code, 2);
  assert.match(
    oneLine(badKind),
    /KIND must be one of email, slack, sms, voice, webhook, console; got "pager"/,
  );
  const badTz = await run("user", "set", "bob", "--tz", "Berlin");
  assert.equal(badTz.code, 2);
  assert.match(oneLine(badTz), /--tz must be an IANA time zone such as Europe\/Berlin/);
  const nobody = await run("user", "show", "nobody");
  assert.equal(nobody.code, 3);
  assert.match(oneLine(nobody), /User "nobody" does not exist/);

  const removed = await json<{ deleted: boolean }>("contact", "remove", sms.id);
  assert.equal(removed.deleted, true);
  const me = await json<{ username: string; warnings: string[] }>("contact", "list");
  assert.equal(me.username, "admin", "without --user: the caller");
  assert.match(me.warnings[0] ?? "", /admin has no contact method/);
});

test("teams: create with a manager, add and remove members, delete", async () => {
  const created = await ok("team", "create", "payments", "--member", "alice,bob", "--manager", "carol");
  assert.match(created, /Created team payments with 3 member\(s\)\./);
  const list = await ok("team", "list");
  assert.match(list, /^payments\s+carol\s+alice, bob\s+-$/m);
  await ok("team", "add-member", "payments", "bob", "--manager");
  await ok("team", "remove-member", "payments", "alice");
  const team = await json<{ members: { username: string; role: string }[] }>("team", "show", "payments");
  assert.deepEqual(
    team.members.map((m) => `${m.username}:${m.role}`),
    ["bob:manager", "carol:manager"],
  );
  await ok("team", "create", "scratch");
  const empty = await ok("team", "show", "scratch");
  assert.match(empty, /! team scratch has no members: paging it pages no one/);
  assert.match(await ok("team", "delete", "scratch"), /Deleted team scratch\./);
  const gone = await run("team", "show", "scratch");
  assert.equal(gone.code, 3);
});

test("escalation policies from flags and from a file; a service pages by one; deleting it in use is refused", async () => {
  const created = await ok(
    "policy",
    "create",
    "checkout",
    "--level",
    "alice",
    "--delay",
    "5",
    "--level",
    "bob,team:payments",
    "--delay",
    "default",
    "--round-robin",
    "2",
    "--repeat",
    "1",
  );
  assert.match(created, /Created escalation policy checkout\./);
  assert.match(created, /checkout {2}2 levels, then 1 more time/);
  assert.match(created, /^1\s+alice\s+5 min$/m);
  assert.match(created, /^2\s+bob, team payments \(one at a time, in turn\)\s+severity's ack target$/m);
  assert.match(created, /Next, page with it: foghorn service set SERVICE --policy checkout/);

  const dir = tempDir();
  const file = join(dir, "policy.yaml");
  writeFileSync(
    file,
    [
      "name: search",
      "description: Search on-call",
      "levels:",
      "  - delay_minutes: 10",
      "    targets: [{type: user, name: carol}]",
      "  - targets: [{type: team, name: payments}]",
    ].join("\n"),
  );
  const fromFile = await json<{ name: string; levels: { delay_minutes: number | null }[] }>(
    "policy",
    "create",
    "--file",
    file,
  );
  assert.equal(fromFile.name, "search");
  assert.deepEqual(
    fromFile.levels.map((l) => l.delay_minutes),
    [10, null],
  );

  const mismatch = await run(
    "policy",
    "create",
    "x",
    "--level",
    "a",
    "--level",
    "b",
    "--level",
    "c",
    "--delay",
    "1",
    "--delay",
    "2",
  );
  assert.equal(mismatch.code, 2);
  assert.match(oneLine(mismatch), /give one --delay per --level \(3 levels, 2 delays\)/);
  const badTarget = await run("policy", "create", "x", "--level", "robot:r2d2");
  assert.equal(badTarget.code, 2);
  assert.match(oneLine(badTarget), /write a username \(alice\), schedule:NAME or team:NAME/);
  const unknown = await run("policy", "create", "x", "--level", "alice", "--level", "schedule:nope");
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /levels\.1\.targets\.0\.name: no schedule "nope"/);

  const set = await run("service", "create", "checkout");
  assert.equal(set.code, 0, set.stderr);
  const linked = await ok("service", "set", "checkout", "--policy", "checkout");
  assert.match(linked, /Escalation policy\s+checkout$/m);
  assert.match(await ok("service", "show", "checkout"), /Escalation policy\s+checkout$/m);
  const shown = await ok("policy", "show", "checkout");
  assert.match(shown, /Used by: checkout/);
  const list = await ok("policy", "list");
  assert.match(list, /^checkout\s+2\s+1\s+checkout\s+alice\s+-$/m);

  const refused = await run("policy", "delete", "checkout");
  assert.equal(refused.code, 1);
  assert.match(oneLine(refused), /used by services checkout; point them at another policy first/);
  const unlinked = await ok("service", "set", "checkout", "--policy", "none");
  assert.match(unlinked, /Escalation policy\s+none: incidents page no one/);
  assert.match(await ok("policy", "delete", "checkout"), /Deleted escalation policy checkout\./);
});

test("escalation rules: create, pause, list, delete", async () => {
  const created = await ok(
    "escalation-rule",
    "create",
    "sev1-managers",
    "--severity",
    "critical,P2",
    "--unresolved",
    "30m",
    "--target",
    "team:payments",
  );
  assert.match(created, /When: {5}SEV1\/SEV2, unresolved for 30 min/);
  assert.match(created, /Notifies: team payments/);
  await ok("escalation-rule", "create", "breach-legal", "--tag", "data-breach", "--target", "carol");
  const paused = await json<{ enabled: boolean }>("escalation-rule", "set", "sev1-managers", "--disable");
  assert.equal(paused.enabled, false);
  const list = await ok("escalation-rule", "list");
  assert.match(list, /^breach-legal\s+enabled\s+tag data-breach\s+carol$/m);
  assert.match(list, /^sev1-managers\s+disabled\s+SEV1\/SEV2, unresolved for 30 min\s+team payments$/m);
  const bad = await run("escalation-rule", "create", "x", "--severity", "urgent", "--target", "alice");
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /--severity #1: must be one of SEV1/);
  assert.match(
    await ok("escalation-rule", "delete", "breach-legal"),
    /Deleted escalation rule breach-legal\./,
  );
});

test("schedules from a file: on-call, shifts in the schedule's zone, overrides, oncall, calendar", async () => {
  const dir = tempDir();
  const file = join(dir, "schedule.yaml");
  writeFileSync(
    file,
    [
      "name: primary",
      "time_zone: Europe/Berlin",
      "layers:",
      "  - name: Weekly",
      '    start: "2026-12-07T09:00"',
      '    rotation: {kind: weekly, handoff_time: "09:00", handoff_weekday: mon}',
      "    members: [alice, bob]",
    ].join("\n"),
  );
  const created = await ok("schedule", "create", "--file", file);
  assert.match(created, /Created schedule primary\./);
  assert.match(created, /On call now\s+alice/);
  assert.match(created, /^Weekly\s+2026-12-07 09:00\s+weekly, mon 09:00\s+alice, bob\s+-$/m);
  assert.match(await ok("schedule", "list"), /^primary\s+Europe\/Berlin\s+1\s+alice\s+-$/m);

  const later = await ok("schedule", "on-call", "primary", "--at", "2026-12-15 12:00");
  assert.match(later, /primary at Tue 15 Dec 12:00 \(Europe\/Berlin\)/);
  assert.match(later, /^bob\s+layer Weekly\s+Mon 21 Dec 09:00$/m);

  const shifts = await ok("schedule", "shifts", "primary", "--days", "14");
  assert.match(shifts, /^ {2}Mon 07 Dec 09:00 → Mon 14 Dec 09:00 {2}alice$/m);
  assert.match(shifts, /^ {2}Mon 14 Dec 09:00 → Mon 21 Dec 09:00 {2}bob$/m);
  const inTokyo = await ok("schedule", "shifts", "primary", "--days", "7", "--tz", "Asia/Tokyo", "--layers");
  assert.match(inTokyo, /^ {2}Mon 07 Dec 17:00 → Mon 14 Dec 17:00 {2}alice$/m);
  assert.match(inTokyo, /^Layer Weekly$/m);
  const tooMany = await run("schedule", "shifts", "primary", "--days", "120");
  assert.equal(tooMany.code, 2);
  assert.match(oneLine(tooMany), /--days must be 1–90/);

  const override = await ok(
    "schedule",
    "override",
    "add",
    "primary",
    "--user",
    "carol",
    "--replaces",
    "alice",
    "--start",
    "2026-12-08 09:00",
    "--end",
    "2026-12-09 09:00",
    "--note",
    "dentist",
  );
  assert.match(
    override,
    /primary: carol covers for alice, Tue 08 Dec 09:00 → Wed 09 Dec 09:00 \(Europe\/Berlin\)\./,
  );
  const covered = await json<{ on_call: { username: string; source: string }[] }>(
    "schedule",
    "on-call",
    "primary",
    "--at",
    "2026-12-08T12:00:00+01:00",
  );
  assert.deepEqual(
    covered.on_call.map((e) => `${e.username}:${e.source}`),
    ["carol:override"],
  );
  const overrides = await ok("schedule", "override", "list", "primary");
  assert.match(overrides, /replace\s+carol\s+alice\s+Tue 08 Dec 09:00\s+Wed 09 Dec 09:00\s+dentist/);
  const id =
    (await json<{ items: { id: string }[] }>("schedule", "override", "list", "primary")).items[0]?.id ?? "";
  const backwards = await run(
    "schedule",
    "override",
    "add",
    "primary",
    "--user",
    "bob",
    "--start",
    "2026-12-10 09:00",
    "--end",
    "2026-12-10 08:00",
  );
  assert.equal(backwards.code, 1);
  assert.match(backwards.stderr, /--end: must be after the start/);

  const everyone = await ok("oncall");
  assert.match(everyone, /^SCHEDULE\s+ON CALL\s+UNTIL\s+TIME ZONE$/m);
  assert.match(everyone, /^primary\s+alice\s+Tue 08 Dec 09:00\s+Europe\/Berlin$/m);
  assert.match(await ok("schedule", "override", "remove", "primary", id), /Removed override/);
  assert.match(
    await ok("oncall", "--at", "2026-12-08 12:00", "--tz", "Europe/Berlin"),
    /^primary\s+alice\s+Mon 14 Dec 09:00/m,
  );

  const url = (await ok("schedule", "calendar", "primary")).trim();
  const feed = await fetch(url.replace(/^https?:\/\/[^/]+/, server.url));
  assert.equal(feed.status, 200);
  assert.equal(feed.headers.get("content-type"), "text/calendar; charset=utf-8");
  assert.match(await feed.text(), /SUMMARY:alice on call \(primary\)/);
  const personal = await ok("user", "calendar", "--user", "bob");
  const personalUrl = /(http\S+calendar\.ics\?token=fhcal_\S+)/.exec(personal)?.[1] ?? "";
  const bobs = await fetch(personalUrl.replace(/^https?:\/\/[^/]+/, server.url));
  assert.equal(bobs.status, 200);
  assert.match(await bobs.text(), /SUMMARY:On call: primary/);

  await ok("policy", "create", "primary-policy", "--level", "schedule:primary");
  const refused = await run("schedule", "delete", "primary");
  assert.equal(refused.code, 1);
  assert.match(oneLine(refused), /Schedule primary is still paged by escalation policies primary-policy/);

  const bad = join(dir, "bad.yaml");
  writeFileSync(
    bad,
    'name: broken\ntime_zone: Europe/Berlin\nlayers:\n  - {name: L, start: "tomorrow", rotation: {kind: weekly, handoff_time: "09:00"}, members: [zed]}\n',
  );
  const refusedFile = await run("schedule", "create", "--file", bad);
  assert.equal(refusedFile.code, 1);
  assert.match(refusedFile.stderr, /layers\.0\.start: must be a local date and time like "2026-01-05T09:00"/);
});

test("paging: a test message to a contact method, the message list, dead letters and the engine", async () => {
  const added = await json<{ id: string }>(
    "contact",
    "add",
    "console",
    "carol's terminal",
    "--user",
    "carol",
  );
  const queued = await ok("contact", "test", added.id);
  assert.match(queued, /Test message queued for carol by console/);
  await server.pagingIdle();
  const list = await json<{ items: { to: string; via: string; reason: string; state: string }[] }>(
    "paging",
    "list",
  );
  assert.ok(
    list.items.some(
      (n) => n.to === "carol" && n.via === "console" && n.reason === "test" && n.state === "sent",
    ),
    JSON.stringify(list.items),
  );
  assert.match(await ok("paging", "list"), /^WHEN\s+TO\s+VIA\s+STATE\s+ATTEMPTS\s+ID\s+SUMMARY$/m);
  assert.match(await ok("paging", "list", "--dead"), /No dead letters\./);
  assert.match(await ok("paging", "engine"), /^\d+ pending, \d+ running, 0 dead; lag [\d.]+ s$/m);
  const missing = await run("paging", "retry", "00000000-0000-4000-8000-000000000000");
  assert.equal(missing.code, 1);
  assert.match(oneLine(missing), /not a failed one/);
});
