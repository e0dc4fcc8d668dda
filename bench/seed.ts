/**
 * Seeds a Foghorn store with N realistic incidents, set-based (generate_series), BEFORE the server starts
 * (a PGlite folder may be open in one process only).
 *
 *   node --import tsx bench/seed.ts --count 100000 (--data-dir DIR | --database-url URL)
 *
 * What it writes (deterministic apart from UUIDs: setseed(0.42)):
 *  - services: 40 names (checkout, api, payments, …); incidents pick them with a skew (a few are hot).
 *  - incidents: numbers 1..N in creation order, created_at spread evenly over the last 365 days
 *    (± 30 min jitter, ms precision); severity SEV1 3 % / SEV2 12 % / SEV3 45 % / SEV4 40 %;
 *    status by age: < 2 days ~50 % open (triggered/acknowledged/investigating/mitigating), < 14 days ~8 %
 *    open, older ~0.5 % open (stale), the rest resolved or postmortem (postmortem mostly SEV1/SEV2);
 *    stage timestamps (acknowledged/mitigated/resolved/closed) consistent with the status;
 *    commander (= assignee) from 30 handles for 90 %, 15 % tagged customer-facing.
 *  - incident_services: 1–3 services each (35 % have a 2nd, 10 % a 3rd).
 *  - incident_roles: the commander row, as declareIncident writes it.
 *  - timeline_events: ONE `incident.declared` event each, with the same canonical JSON + sha256 the app
 *    computes, so /timeline/verify passes; later status changes have no events (not seeded).
 *  - incident_number_seq set to N; then ANALYZE (on PostgreSQL autovacuum would do it; PGlite has none).
 * Users/tokens are not created: the server's bootstrap creates the admin on its first start.
 *
 * With `--metrics` (issue 9, bench/metrics.ts) the same incidents get realistic stage times, types, teams,
 * status updates, postmortems, action items, alerts, users and pages as well: see bench/seed-metrics.ts.
 *   node --import tsx bench/seed.ts --metrics --count 1000000 (--data-dir DIR | --database-url URL)
 *        [--token T] [--password P]   (the admin's; default FOGHORN_BOOTSTRAP_TOKEN / _PASSWORD)
 */
import { sql } from "drizzle-orm";
import { migrateDb, openDb } from "../src/store/db.ts";
import {
  finishMetrics,
  type MetricsSetup,
  metricsChildrenSql,
  metricsChunkSql,
  metricsCounts,
  setupMetrics,
} from "./seed-metrics.ts";

const SERVICES = [
  "checkout",
  "api",
  "payments",
  "auth",
  "search",
  "cart",
  "inventory",
  "shipping",
  "notifications",
  "email",
  "sms-gateway",
  "billing",
  "invoicing",
  "identity",
  "web-frontend",
  "mobile-api",
  "cdn",
  "dns",
  "load-balancer",
  "postgres-primary",
  "redis-cache",
  "kafka",
  "elasticsearch",
  "recommendations",
  "pricing",
  "catalog",
  "reviews",
  "fraud-detection",
  "reporting",
  "data-warehouse",
  "etl-pipeline",
  "ci-cd",
  "k8s-cluster",
  "vpn",
  "status-page",
  "support-portal",
  "admin-console",
  "geo-ip",
  "image-resizer",
  "feature-flags",
];
const HANDLES = [
  "alice",
  "bob",
  "carol",
  "dave",
  "erin",
  "frank",
  "grace",
  "heidi",
  "ivan",
  "judy",
  "mallory",
  "niaj",
  "olivia",
  "peggy",
  "rupert",
  "sybil",
  "trent",
  "victor",
  "walter",
  "yolanda",
  "zoe",
  "amir",
  "bea",
  "chen",
  "dmitri",
  "elena",
  "farah",
  "goran",
  "hana",
  "ines",
];
const SYMPTOMS = [
  "elevated 5xx error rate",
  "p99 latency above SLO",
  "timeouts talking to the database",
  "pods crash-looping after deploy",
  "TLS certificate expired",
  "queue backlog growing",
  "partial outage in eu-west-1",
  "memory leak, OOM kills",
  "disk usage above 90%",
  "stale cache serving old data",
  "login failures for some users",
  "webhook deliveries failing",
  "degraded search relevance",
  "nightly job did not run",
  "replication lag above 30s",
];

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const HELP = `node --import tsx bench/seed.ts --count N (--data-dir DIR | --database-url URL) [--chunk 25000]
  [--metrics [--token T] [--password P]]
Seeds a fresh store with N incidents over the last 365 days, set-based, before the server starts.
--metrics also writes teams, incident types, users, status updates, postmortems, action items, alerts and
pages with realistic distributions for the metrics report (issue 9; see bench/seed-metrics.ts), creating the
admin user with the given token/password (default FOGHORN_BOOTSTRAP_TOKEN / FOGHORN_BOOTSTRAP_PASSWORD).
Prints one JSON line: {seeded, ms, engine, statuses[, counts]}.`;

const lit = (xs: readonly string[]) =>
  `(array[${xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(",")}]::text[])`;

async function main(): Promise<void> {
  if (process.argv.includes("--help") || process.argv.includes("-h")) {
    console.log(HELP);
    return;
  }
  const metrics = process.argv.includes("--metrics");
  const count = Number(arg("count") ?? 100_000);
  const dataDir = arg("data-dir");
  const databaseUrl = arg("database-url");
  if (!dataDir && !databaseUrl) throw new Error("give --data-dir DIR (PGlite) or --database-url URL");
  const chunk = Number(arg("chunk") ?? 25_000);
  const t0 = performance.now();
  const database = await openDb({ dataDir, databaseUrl, poolSize: 1 });
  const trace = process.env.FOGHORN_SEED_TRACE === "1";
  const run = async (text: string) => {
    const t = performance.now();
    const result = (await database.db.execute(sql.raw(text))) as unknown as {
      rows: Record<string, unknown>[];
    };
    if (trace)
      console.error(
        `${(performance.now() - t).toFixed(0).padStart(6)} ms  ${text.replace(/\s+/g, " ").slice(0, 60)}`,
      );
    return result;
  };
  try {
    await migrateDb(database, databaseUrl);
    const existing = (await database.db.execute(sql.raw("select count(*)::int as n from incidents"))) as {
      rows: { n: number | string }[];
    };
    if (Number(existing.rows[0]?.n) > 0)
      throw new Error("seed: the store already has incidents; use a fresh one");
    await run("select setseed(0.42)");
    await run(
      `insert into services (id, name, description, created_at)
       select gen_random_uuid(), n, 'Seeded service ' || n, now() - interval '400 days' from unnest(${lit(SERVICES)}) n
       on conflict do nothing`,
    );
    let setup: MetricsSetup | undefined;
    if (metrics)
      setup = await setupMetrics(database.db, run, {
        token: arg("token") ?? process.env.FOGHORN_BOOTSTRAP_TOKEN,
        password: arg("password") ?? process.env.FOGHORN_BOOTSTRAP_PASSWORD,
        handles: HANDLES,
      });
    await run("drop table if exists seed_inc");
    for (let lo = 1; lo <= count; lo += chunk) {
      const hi = Math.min(count, lo + chunk - 1);
      if (metrics)
        await run(
          metricsChunkSql(lo, hi, count, {
            services: lit(SERVICES),
            handles: lit(HANDLES),
            symptoms: lit(SYMPTOMS),
            nSymptoms: SYMPTOMS.length,
          }),
        );
      else
        await run(`create temp table seed_inc as
      with b as (
        select g as number,
          date_trunc('milliseconds', now() - interval '365 days' + (g::float8 / ${count}) * interval '365 days'
                     - random() * interval '30 minutes' - interval '1 minute') as created_at,
          random() as r_sev, random() as r_status, random() as r_open, random() as r_cmd, random() as r_tag,
          random() as r_s2, random() as r_s3, random() as r_dur, random() as r_ack,
          floor(40 * power(random(), 2))::int as s1, 1 + floor(random() * 39)::int as o2, 1 + floor(random() * 39)::int as o3,
          1 + floor(random() * 30)::int as h1, 1 + floor(random() * 30)::int as h2, 1 + floor(random() * ${SYMPTOMS.length})::int as sy
        from generate_series(${lo}, ${hi}) g
      ), c as (
        select b.*, now() - created_at as age,
          case when r_sev < 0.03 then 'SEV1' when r_sev < 0.15 then 'SEV2' when r_sev < 0.60 then 'SEV3' else 'SEV4' end as severity,
          ${lit(SERVICES)}[s1 + 1] as svc1,
          case when r_s2 < 0.35 then ${lit(SERVICES)}[(s1 + o2) % 40 + 1] end as svc2,
          case when r_s3 < 0.10 and o3 <> o2 then ${lit(SERVICES)}[(s1 + o3) % 40 + 1] end as svc3,
          case when r_cmd < 0.9 then ${lit(HANDLES)}[h1] end as commander,
          ${lit(HANDLES)}[h2] as created_by,
          case when r_tag < 0.15 then array['customer-facing']::text[] else '{}'::text[] end as tags,
          ${lit(SYMPTOMS)}[sy] as symptom,
          -- minutes to resolve: heavy-tailed, 5 min .. ~2 days
          5 + 2880 * power(r_dur, 4) as resolve_min, 1 + 30 * power(r_ack, 2) as ack_min
        from b
      ), d as (
        select c.*,
          case
            when age < interval '2 days' and r_status < 0.5 or age >= interval '2 days' and age < interval '14 days' and r_status < 0.08
                 or age >= interval '14 days' and r_status < 0.005
              then (array['triggered','acknowledged','acknowledged','investigating','investigating','mitigating'])[1 + floor(r_open * 6)::int]
            when age < interval '2 days' then 'resolved'
            when severity in ('SEV1','SEV2') and r_status >= 0.15 or severity = 'SEV3' and r_status >= 0.80
                 or severity = 'SEV4' and r_status >= 0.97 then 'postmortem'
            else 'resolved'
          end as status,
          array_remove(array[svc1, svc2, svc3], null) as svc_names,
          svc1 || ': ' || symptom as title
        from c
      ), e as (
        select d.*, gen_random_uuid() as id,
          'Declared from an alert on ' || svc1 || ' (' || symptom || '). Customers may see errors; '
            || 'the on-call is investigating, see the runbook for ' || svc1 || '.' as description,
          case when status <> 'triggered' then created_at + ack_min * interval '1 minute' end as acknowledged_at,
          case when status in ('mitigating','resolved','postmortem') then created_at + (ack_min + 0.6 * resolve_min) * interval '1 minute' end as mitigated_at,
          case when status in ('resolved','postmortem') then created_at + (ack_min + resolve_min) * interval '1 minute' end as resolved_at,
          case when status = 'postmortem' then created_at + (ack_min + resolve_min) * interval '1 minute' + interval '3 days' end as closed_at
        from d
      )
      select e.*,
        '{"affected_services":' || array_to_json(svc_names)::text
          || coalesce(',"assignee":' || to_json(commander)::text, '')
          || ',"severity":' || to_json(severity)::text
          || case when cardinality(tags) > 0 then ',"tags":' || array_to_json(tags)::text else '' end
          || ',"title":' || to_json(title)::text || '}' as data_text
      from e`);
      await run(`alter table seed_inc add column event_hash text`);
      await run(`update seed_inc set event_hash = encode(sha256(convert_to(
          '{"actor":' || to_json(created_by)::text
          || ',"at":' || to_json(to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))::text
          || ',"data":' || data_text || ',"incident_id":' || to_json(id::text)::text
          || ',"kind":"incident.declared","prev_hash":null,"seq":1}', 'UTF8')), 'hex')`);
      await run(`insert into incidents (id, number, title, description, severity, status, commander, tags, related_alerts,
          service_names, created_by, created_at, updated_at, acknowledged_at, mitigated_at, resolved_at, closed_at,
          last_event_seq, last_event_hash${metrics ? ", type_id" : ""})
        select id, number, title, description, severity, status, commander, tags, '{}',
          (select coalesce(array_agg(s.name order by lower(s.name) collate "C"), '{}') from services s
            where lower(s.name) in (select lower(n) from unnest(svc_names) n)),
          created_by, created_at, coalesce(closed_at, resolved_at, mitigated_at, acknowledged_at, created_at),
          acknowledged_at, mitigated_at, resolved_at, closed_at, 1, event_hash${metrics ? ", type_id" : ""}
        from seed_inc order by number`);
      await run(`insert into incident_services (incident_id, service_id, added_at)
        select i.id, s.id, i.created_at from seed_inc i cross join lateral unnest(i.svc_names) n
        join services s on lower(s.name) = lower(n)`);
      await run(`insert into incident_roles (incident_id, role, person, assigned_by, assigned_at)
        select id, 'commander', commander, created_by, created_at from seed_inc where commander is not null`);
      await run(`insert into timeline_events (incident_id, seq, kind, actor, at, data, prev_hash, hash)
        select id, 1, 'incident.declared', created_by, created_at, data_text::jsonb, null, event_hash from seed_inc`);
      if (metrics) for (const text of metricsChildrenSql(lo, hi, count, lit(SERVICES))) await run(text);
      await run("drop table seed_inc");
    }
    await run(`select setval('incident_number_seq', ${count})`);
    if (setup) await finishMetrics(run, setup);
    await run("analyze");
    const stats = (await database.db.execute(
      sql.raw("select status, count(*)::int as n from incidents group by status order by 2 desc"),
    )) as { rows: { status: string; n: number }[] };
    const ms = Math.round(performance.now() - t0);
    const dist = stats.rows.map((r) => `${r.status}=${r.n}`).join(" ");
    const counts = metrics ? { counts: await metricsCounts(run) } : {};
    const token = setup?.token ? { token: setup.token } : {};
    console.log(
      JSON.stringify({ seeded: count, ms, engine: database.kind, statuses: dist, ...counts, ...token }),
    );
  } finally {
    await database.close();
  }
}

main().catch((error) => {
  const cause = (error as { cause?: unknown })?.cause;
  console.error(error instanceof Error ? error.message.slice(0, 400) : error, cause ?? "");
  process.exit(1);
});
