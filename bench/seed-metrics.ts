/**
 * The `--metrics` mode of bench/seed.ts (issue 9): everything the metrics report reads, set-based, with
 * realistic distributions. Used by bench/metrics.ts; `node --import tsx bench/seed.ts --metrics --help`.
 *
 * Once per store (setupMetrics):
 *  - the `admin` user and its API token (FOGHORN_BOOTSTRAP_TOKEN / _PASSWORD, or --token / --password), as
 *    the server's bootstrap would: the server only bootstraps an EMPTY users table, and this seed adds users;
 *  - 8 teams owning 38 of the 40 services (services.team_id; feature-flags and geo-ip have no team);
 *  - 5 incident types; ~30 % of incidents get one (deploy-regression 40 %, capacity 25 %, third-party 20 %,
 *    security 10 %, data-integrity 5 %);
 *  - 60 users (responders) in 10 time zones, each a member of one team, with one SMS contact method;
 *  - one Alertmanager integration per service (the alerts' source);
 *  - a status page: a group "Core platform" (API, Checkout, Login) and Search, Notifications, Website,
 *    showing 12 services (uptime counts their SEV1/SEV2 incidents).
 * Per chunk of incidents (metricsChunkSql + metricsChildrenSql), on top of what the plain seed writes:
 *  - durations per severity, log-normal (median, σ): created → acknowledged SEV1 3 min (0.8), SEV2 7 min
 *    (0.9), SEV3 20 min (1.1), SEV4 60 min (1.2); acknowledged → resolved SEV1 75 min (0.9), SEV2 150 min
 *    (1.0), SEV3 240 min (1.1), SEV4 900 min (1.2), capped at 21 days. So against the default ack targets
 *    (5 / 15 / 60 / 240 min) ~15–25 % miss the SLA. 4 % of SEV3/SEV4 resolve without an acknowledgement.
 *  - status from those times: open when the resolution lies in the future (triggered when the ack does
 *    too), ~0.05 % of SEV3/SEV4 incidents older than 14 days stale open (forgotten; never a SEV1/SEV2:
 *    one open for months would be an outage of its services all along); the rest resolved, or
 *    `postmortem` when a postmortem row exists;
 *  - status updates while open: n ≈ open time ÷ cadence (15 / 30 / 120 / 1440 min) × f, f uniform in
 *    0.6–1.5, at most 24, spread evenly with jitter: so some incidents keep the cadence and others fall
 *    behind (update compliance well between 0 and 100 %); SEV1/SEV2 updates 40 % external;
 *  - postmortems: SEV1/SEV2 85 % written (published resolution + log-normal 24 h (σ 0.7) later, so ~15 %
 *    of them after the 48 h due time; a draft while that lies in the future), 5 % left in draft, 10 %
 *    never written (missing); 20 % of SEV3 have a published lightweight one (not required);
 *  - action items: 0–4 per postmortem; done with probability 95 % (older than 120 days), 80 % (> 30 days),
 *    50 % (recent); open ones are due 30 days after creation, so the older open ones are overdue;
 *  - alerts: 70 % of incidents opened by 1–3 alerts (1: 49 %, 2: 14 %, 3: 7 % of incidents; the first one
 *    20 s before the incident), plus noise alerts with no incident (0.5 per incident, 15 % of them
 *    suppressed) on skewed services: ~1.48 M alerts per million incidents;
 *  - pages (notifications, reason `page`) for 95 % of SEV1/SEV2 to the on-call member of the team owning
 *    the first service, 3 % failed; an escalation page to the next member when the ack came after the
 *    target (or never): ~180 k pages per million incidents.
 * After the last chunk: every day with data marked dirty (the same statement as migration 0010), so the
 * server builds the rollups on its first refresh. The triggers are bypassed during the load with
 * `session_replication_role = replica` (superuser; PGlite runs as one); if that is refused they fire.
 */

import { randomBytes } from "node:crypto";
import { bootstrapAdmin } from "../src/app/auth/tokens.ts";
import type { Db } from "../src/store/db.ts";

export const TEAMS = [
  ["platform", "Runtime, clusters and networking"],
  ["payments", "Checkout, payments and billing"],
  ["identity", "Login, accounts and identity"],
  ["storefront", "Web and mobile shop"],
  ["data", "Warehouse, pipelines and reporting"],
  ["messaging", "Email, SMS and notifications"],
  ["search", "Search, catalog and recommendations"],
  ["fulfilment", "Inventory, shipping and pricing"],
] as const;

/** Team index per service (SERVICES order in seed.ts); null: no team. */
export const SERVICE_TEAM: Record<string, number | null> = {
  checkout: 1,
  api: 0,
  payments: 1,
  auth: 2,
  search: 6,
  cart: 3,
  inventory: 7,
  shipping: 7,
  notifications: 5,
  email: 5,
  "sms-gateway": 5,
  billing: 1,
  invoicing: 1,
  identity: 2,
  "web-frontend": 3,
  "mobile-api": 3,
  cdn: 0,
  dns: 0,
  "load-balancer": 0,
  "postgres-primary": 0,
  "redis-cache": 0,
  kafka: 4,
  elasticsearch: 6,
  recommendations: 6,
  pricing: 7,
  catalog: 6,
  reviews: 3,
  "fraud-detection": 1,
  reporting: 4,
  "data-warehouse": 4,
  "etl-pipeline": 4,
  "ci-cd": 0,
  "k8s-cluster": 0,
  vpn: 2,
  "status-page": 5,
  "support-portal": 3,
  "admin-console": 2,
  "geo-ip": null,
  "image-resizer": 3,
  "feature-flags": null,
};

export const TYPES = [
  ["deploy-regression", "A change made it worse", 0.4],
  ["capacity", "Ran out of something", 0.25],
  ["third-party", "A provider failed us", 0.2],
  ["security", "Confidentiality or integrity at risk", 0.1],
  ["data-integrity", "Wrong or lost data", 0.05],
] as const;

const MORE_USERS = [
  "kofi",
  "lena",
  "mateo",
  "nadia",
  "oskar",
  "priya",
  "quinn",
  "rosa",
  "sven",
  "tariq",
  "uma",
  "vera",
  "wen",
  "ximena",
  "yusuf",
  "zara",
  "anton",
  "bianca",
  "cyrus",
  "daria",
  "emil",
  "fatima",
  "gus",
  "hugo",
  "ingrid",
  "jonas",
  "kira",
  "luca",
  "maya",
  "noor",
];
const ZONES = [
  "Europe/Amsterdam",
  "Europe/London",
  "America/New_York",
  "America/Los_Angeles",
  "Asia/Kolkata",
  "Asia/Tokyo",
  "Australia/Sydney",
  "UTC",
  "America/Sao_Paulo",
  "Europe/Berlin",
];

type Run = (text: string) => Promise<{ rows: Record<string, unknown>[] }>;
const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
const lit = (xs: readonly string[]) => `(array[${xs.map(q).join(",")}]::text[])`;
/** A per-severity SQL expression: `case severity when 'SEV1' then a … else d end`. */
const bySev = (
  v: readonly [number | string, number | string, number | string, number | string],
  col = "severity",
) =>
  `(case ${col} when 'SEV1' then ${v[0]} when 'SEV2' then ${v[1]} when 'SEV3' then ${v[2]} else ${v[3]} end)`;
/** A standard normal draw (Box–Muller). */
const NORMAL = "(sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))";

export interface MetricsSetup {
  replica: boolean;
  token?: string;
}

/** Admin, teams, services' teams, types, users, contact methods, integrations; temp lookup tables. */
export async function setupMetrics(
  db: Db,
  run: Run,
  opts: { token?: string; password?: string; handles: readonly string[] },
): Promise<MetricsSetup> {
  let replica = true;
  try {
    await run("set session_replication_role = replica");
  } catch {
    replica = false;
  }
  const boot = await bootstrapAdmin(db, { now: () => new Date() }, opts.token, opts.password);
  await run(
    `insert into teams (id, name, description, created_at)
     select gen_random_uuid(), t.name, t.description, now() - interval '400 days'
     from unnest(${lit(TEAMS.map((t) => t[0]))}, ${lit(TEAMS.map((t) => t[1]))}) as t(name, description)`,
  );
  const teamOf = Object.entries(SERVICE_TEAM).filter(([, t]) => t !== null) as [string, number][];
  await run(
    `update services s set team_id = t.id
     from unnest(${lit(teamOf.map(([s]) => s))}, array[${teamOf.map(([, t]) => t).join(",")}]::int[]) as m(service, team)
     join teams t on t.name = (${lit(TEAMS.map((t) => t[0]))})[m.team + 1]
     where s.name = m.service`,
  );
  await run(
    `insert into incident_types (id, name, description, created_at, updated_at)
     select gen_random_uuid(), t.name, t.description, now() - interval '400 days', now() - interval '400 days'
     from unnest(${lit(TYPES.map((t) => t[0]))}, ${lit(TYPES.map((t) => t[1]))}) as t(name, description)`,
  );
  // Type index (1..5) by cumulative share: used as `seed_type_ids[idx]`.
  await run("drop table if exists seed_type");
  await run(
    `create temp table seed_type as select array_agg(t.id order by m.ord) as ids
     from unnest(${lit(TYPES.map((t) => t[0]))}) with ordinality as m(name, ord) join incident_types t on t.name = m.name`,
  );
  const names = [...opts.handles, ...MORE_USERS].slice(0, 60);
  await run(
    `insert into users (id, username, display_name, role, created_at, time_zone)
     select gen_random_uuid(), u.name, initcap(u.name), 'responder', now() - interval '400 days',
       (${lit(ZONES)})[(u.i - 1) % ${ZONES.length} + 1]
     from unnest(${lit(names)}) with ordinality as u(name, i)`,
  );
  await run(
    `insert into team_members (team_id, user_id, role, added_at)
     select t.id, u.id, case when n.i <= 8 then 'manager' else 'member' end, now() - interval '400 days'
     from unnest(${lit(names)}) with ordinality as n(name, i)
     join users u on u.username = n.name
     join teams t on t.name = (${lit(TEAMS.map((t) => t[0]))})[(n.i - 1) % 8 + 1]`,
  );
  await run(
    `insert into contact_methods (id, user_id, kind, address, label, created_at)
     select gen_random_uuid(), u.id, 'sms', '+1555' || lpad((row_number() over (order by u.username))::text, 7, '0'),
       'mobile', now() - interval '400 days'
     from users u where u.username <> 'admin'`,
  );
  await run(
    `insert into integrations (id, service_id, kind, name, routing_key, created_by, created_at)
     select gen_random_uuid(), s.id, 'alertmanager', 'Alertmanager', '${randomBytes(6).toString("hex")}' || md5(s.name),
       'admin', now() - interval '400 days'
     from services s`,
  );
  // The status page: a group of three components and three more, each showing some services, so the
  // uptime section has the SEV1/SEV2 incidents of those services to count.
  await run(
    `insert into status_components (id, name, group_id, is_group, position, created_at, updated_at)
     select substr(md5(c.name), 1, 12), c.name, case when c.grp then substr(md5('Core platform'), 1, 12) end,
       c.name = 'Core platform', c.pos, now() - interval '400 days', now() - interval '400 days'
     from (values ('Core platform', false, 0), ('API', true, 0), ('Checkout', true, 1), ('Login', true, 2),
       ('Search', false, 1), ('Notifications', false, 2), ('Website', false, 3)) as c(name, grp, pos)`,
  );
  await run(
    `insert into status_component_services (component_id, service_id)
     select substr(md5(m.component), 1, 12), s.id
     from (values ('API', 'api'), ('Checkout', 'checkout'), ('Checkout', 'payments'), ('Login', 'auth'),
       ('Login', 'identity'), ('Search', 'search'), ('Search', 'elasticsearch'), ('Notifications', 'notifications'),
       ('Notifications', 'email'), ('Notifications', 'sms-gateway'), ('Website', 'web-frontend'), ('Website', 'cdn'))
       as m(component, service)
     join services s on s.name = m.service`,
  );
  // Lookup tables for the chunks: services with their team and integration, users by team position.
  await run("drop table if exists seed_svc");
  await run(
    `create temp table seed_svc as
     select s.name, s.id, coalesce(t.ord, 0)::int as team_idx, i.id as source_id
     from services s
     left join (select id, (row_number() over (order by name))::int - 1 as ord from teams) t on t.id = s.team_id
     join integrations i on i.service_id = s.id`,
  );
  await run("drop table if exists seed_user");
  await run(
    `create temp table seed_user as
     select t.ord as team_idx, (row_number() over (partition by t.ord order by u.username))::int - 1 as pos,
       u.id as user_id, c.id as cm_id, count(*) over (partition by t.ord) as team_size
     from users u join team_members m on m.user_id = u.id
     join (select id, (row_number() over (order by name))::int - 1 as ord from teams) t on t.id = m.team_id
     join contact_methods c on c.user_id = u.id`,
  );
  return { replica, ...(boot.token ? { token: boot.token } : {}) };
}

/**
 * The metrics-mode `seed_inc` for numbers lo..hi of count: the plain seed's columns (same names, so the
 * shared inserts of seed.ts work unchanged) plus type_id, log-normal stage times and the draws the child
 * rows use.
 */
export function metricsChunkSql(
  lo: number,
  hi: number,
  count: number,
  L: { services: string; handles: string; symptoms: string; nSymptoms: number },
): string {
  const typeIdx = `case when r_tsel < 0.40 then 1 when r_tsel < 0.65 then 2 when r_tsel < 0.85 then 3 when r_tsel < 0.95 then 4 else 5 end`;
  return `create temp table seed_inc as
  with b as (
    select g as number,
      date_trunc('milliseconds', now() - interval '365 days' + (g::float8 / ${count}) * interval '365 days'
                 - random() * interval '30 minutes' - interval '1 minute') as created_at,
      random() as r_sev, random() as r_status, random() as r_open, random() as r_cmd, random() as r_tag,
      random() as r_s2, random() as r_s3,
      floor(40 * power(random(), 2))::int as s1, 1 + floor(random() * 39)::int as o2, 1 + floor(random() * 39)::int as o3,
      1 + floor(random() * 30)::int as h1, 1 + floor(random() * 30)::int as h2, 1 + floor(random() * ${L.nSymptoms})::int as sy,
      ${NORMAL} as z_ack, ${NORMAL} as z_res, ${NORMAL} as z_pm, random() as r_noack, random() as r_type, random() as r_tsel,
      random() as r_pm, random() as r_upd, random() as r_alerts, random() as r_page, random() as r_fail, random() as r_ai
    from generate_series(${lo}, ${hi}) g
  ), c as (
    select b.*, now() - created_at as age,
      case when r_sev < 0.03 then 'SEV1' when r_sev < 0.15 then 'SEV2' when r_sev < 0.60 then 'SEV3' else 'SEV4' end as severity,
      ${L.services}[s1 + 1] as svc1,
      case when r_s2 < 0.35 then ${L.services}[(s1 + o2) % 40 + 1] end as svc2,
      case when r_s3 < 0.10 and o3 <> o2 then ${L.services}[(s1 + o3) % 40 + 1] end as svc3,
      case when r_cmd < 0.9 then ${L.handles}[h1] end as commander,
      ${L.handles}[h2] as created_by,
      case when r_tag < 0.15 then array['customer-facing']::text[] else '{}'::text[] end as tags,
      ${L.symptoms}[sy] as symptom,
      case when r_type < 0.30 then (select ids from seed_type)[${typeIdx}] end as type_id
    from b
  ), c2 as (
    select c.*,
      ${bySev([3, 7, 20, 60])} * exp(${bySev([0.8, 0.9, 1.1, 1.2])} * z_ack) as ack_min,
      ${bySev([5, 15, 60, 240])} as ack_target_min,
      ${bySev([15, 30, 120, 1440])} as cadence_min,
      severity in ('SEV3','SEV4') and r_noack < 0.04 as noack,
      severity in ('SEV3','SEV4') and age > interval '14 days' and r_status < 0.0005 as stale
    from c
  ), c3 as (
    select c2.*,
      least(30240, ack_min + ${bySev([75, 150, 240, 900])} * exp(${bySev([0.9, 1.0, 1.1, 1.2])} * z_res)) as res_min
    from c2
  ), d as (
    select c3.*,
      created_at + ack_min * interval '1 minute' as ack_at,
      created_at + (ack_min + 0.6 * (res_min - ack_min)) * interval '1 minute' as mit_at,
      created_at + res_min * interval '1 minute' as res_at,
      created_at + res_min * interval '1 minute' + 24 * exp(0.7 * z_pm) * interval '1 hour' as pub_at,
      case when severity in ('SEV1','SEV2') then case when r_pm < 0.85 then 'published' when r_pm < 0.90 then 'draft' end
           when severity = 'SEV3' and r_pm < 0.20 then 'published' end as pm_plan,
      array_remove(array[svc1, svc2, svc3], null) as svc_names,
      svc1 || ': ' || symptom as title
    from c3
  ), d2 as (
    select d.*,
      case
        when stale then (array['acknowledged','investigating'])[1 + floor(r_open * 2)::int]
        when res_at > now() then
          case when ack_at > now() then 'triggered' when mit_at <= now() then 'mitigating'
               else (array['acknowledged','investigating'])[1 + floor(r_open * 2)::int] end
        when pm_plan is not null then 'postmortem'
        else 'resolved'
      end as status
    from d
  ), e as (
    select d2.*, gen_random_uuid() as id,
      'Declared from an alert on ' || svc1 || ' (' || symptom || '). Customers may see errors; '
        || 'the on-call is investigating, see the runbook for ' || svc1 || '.' as description,
      case when status <> 'triggered' and not (noack and status in ('resolved','postmortem')) then date_trunc('milliseconds', ack_at) end as acknowledged_at,
      case when status in ('mitigating','resolved','postmortem') then date_trunc('milliseconds', mit_at) end as mitigated_at,
      case when status in ('resolved','postmortem') then date_trunc('milliseconds', res_at) end as resolved_at,
      case when status = 'postmortem' then date_trunc('milliseconds', least(now(), res_at + interval '3 days')) end as closed_at,
      case when status = 'postmortem' then case when pm_plan = 'published' and pub_at <= now() then 'published' else 'draft' end end as pm_status
    from d2
  )
  select e.*,
    '{"affected_services":' || array_to_json(svc_names)::text
      || coalesce(',"assignee":' || to_json(commander)::text, '')
      || ',"severity":' || to_json(severity)::text
      || case when cardinality(tags) > 0 then ',"tags":' || array_to_json(tags)::text else '' end
      || ',"title":' || to_json(title)::text || '}' as data_text,
    -- status updates while open: ≈ open minutes / cadence × (0.6 … 1.5), at most 24
    least(24, floor(extract(epoch from coalesce(
      case when status in ('resolved','postmortem') then res_at end, now()) - created_at) / 60
      / cadence_min * (0.6 + 0.9 * r_upd)))::int as n_upd
  from e`;
}

/** Child rows of the chunk in seed_inc: status updates, postmortems, action items, alerts, pages. */
export function metricsChildrenSql(lo: number, hi: number, count: number, services: string): string[] {
  const from = `now() - interval '365 days' + (${lo - 1}::float8 / ${count}) * interval '365 days'`;
  const span = `((${hi - lo + 1}::float8 / ${count}) * interval '365 days')`;
  const noise = Math.round((hi - lo + 1) * 0.5);
  return [
    `insert into status_updates (id, incident_id, message, status, visibility, created_by, created_at)
     select gen_random_uuid(), i.id,
       case when k = i.n_upd and i.resolved_at is not null then 'Fix confirmed, monitoring.'
            else 'Update ' || k || ': still working on ' || i.symptom || '.' end,
       case when k = i.n_upd and i.resolved_at is not null then 'resolved' when k::float8 / i.n_upd < 0.5 then 'investigating'
            when k::float8 / i.n_upd < 0.85 then 'identified' else 'monitoring' end,
       case when i.severity in ('SEV1','SEV2') and random() < 0.4 then 'external' else 'internal' end,
       coalesce(i.commander, i.created_by),
       date_trunc('milliseconds', i.created_at + (coalesce(i.resolved_at, now()) - i.created_at)
         * least(0.999, greatest(0.001, (k - 0.5 + 0.5 * (random() - 0.5)) / i.n_upd)))
     from seed_inc i cross join lateral generate_series(1, i.n_upd) k
     where i.n_upd > 0`,
    `insert into postmortems (incident_id, status, author, reviewers, sections, version, created_at, updated_at, published_at, published_by)
     select id, pm_status, coalesce(commander, created_by), array[created_by],
       jsonb_build_object('summary', 'What happened: ' || title || '.', 'root_cause', symptom),
       case when pm_status = 'published' then 3 else 1 end,
       date_trunc('milliseconds', resolved_at + interval '1 hour'),
       date_trunc('milliseconds', case when pm_status = 'published' then pub_at else least(now(), resolved_at + interval '2 hours') end),
       case when pm_status = 'published' then date_trunc('milliseconds', pub_at) end,
       case when pm_status = 'published' then coalesce(commander, created_by) end
     from seed_inc where pm_status is not null`,
    `insert into action_items (id, incident_id, title, owner, priority, status, due_at, created_by, created_at, updated_at, completed_at)
     select gen_random_uuid(), i.id, (array['Add an alert for ','Write a runbook entry for ','Add a regression test for ',
         'Raise capacity of ','Automate the rollback of '])[k] || i.svc1, coalesce(i.commander, i.created_by),
       (array['high','medium','low'])[1 + (i.number + k) % 3],
       case when y.done then 'done' else 'open' end,
       x.at + interval '30 days', coalesce(i.commander, i.created_by), x.at,
       coalesce(y.completed, x.at), y.completed
     from seed_inc i cross join lateral generate_series(1, floor(i.r_ai * 5)::int) k
     cross join lateral (select date_trunc('milliseconds', i.resolved_at + interval '1 hour' + k * interval '1 minute') as at,
         random() as r_done, random() as r_days) x
     cross join lateral (select case when d.done then date_trunc('milliseconds',
         least(now(), x.at + interval '1 hour' + 7 * exp(1.6 * x.r_days - 0.8) * interval '1 day')) end as completed, d.done
       from (select x.r_done < case when i.age > interval '120 days' then 0.95 when i.age > interval '30 days' then 0.8 else 0.5 end
         and x.at + interval '1 hour' < now() as done) d) y
     where i.pm_status is not null`,
    `insert into alerts (id, source_id, source_kind, service_id, dedup_key, status, summary, source, severity,
         event_count, incident_id, created_at, last_event_at, acknowledged_at, resolved_at)
     select gen_random_uuid(), s.source_id, 'alertmanager', s.id, 'inc' || i.number || '-' || k,
       case when i.resolved_at is null then 'triggered' else 'resolved' end,
       coalesce(al.svc, i.svc1) || ': ' || i.symptom, 'prometheus', lower(i.severity), 1 + floor(random() * 6)::int,
       i.id, al.at, al.at + interval '2 minutes', i.acknowledged_at, i.resolved_at
     from seed_inc i
     cross join lateral generate_series(1, case when i.r_alerts < 0.30 then 0 when i.r_alerts < 0.79 then 1
       when i.r_alerts < 0.93 then 2 else 3 end) k
     cross join lateral (select case when k = 1 then i.created_at - interval '20 seconds'
         else date_trunc('milliseconds', i.created_at + random() * interval '30 minutes') end as at,
       case when k > 1 then i.svc_names[1 + (k - 1) % cardinality(i.svc_names)] end as svc) al
     join seed_svc s on s.name = coalesce(al.svc, i.svc1)
     order by i.number, k`,
    `insert into alerts (id, source_id, source_kind, service_id, dedup_key, status, summary, source, severity,
         event_count, suppressed, incident_id, created_at, last_event_at, resolved_at)
     select gen_random_uuid(), s.source_id, 'alertmanager', s.id, 'noise-${lo}-' || n.g, 'resolved',
       n.svc || ': ' || (array['CPU above 80%','disk 85% full','pod restarted','probe flapping','latency spike'])[1 + n.g % 5],
       'prometheus', 'warning', 1 + floor(random() * 3)::int, random() < 0.15, null, n.at, n.at + interval '1 minute',
       n.at + (2 + random() * 60) * interval '1 minute'
     from (select g, date_trunc('milliseconds', ${from} + random() * ${span}) as at,
         ${services}[1 + floor(40 * power(random(), 1.5))::int] as svc
       from generate_series(1, ${noise}) g) n
     join seed_svc s on s.name = n.svc
     where n.at < now() - interval '1 minute'
     order by n.at`,
    `insert into notifications (id, dedup_key, incident_id, user_id, contact_method_id, reason, summary, state, due_at,
         attempts, last_error, created_at, sent_at)
     select gen_random_uuid(), 'page:' || i.id || ':' || p.level || ':0:' || u.user_id || ':' || u.cm_id, i.id, u.user_id, u.cm_id,
       'page', 'INC-' || i.number || ' ' || i.severity || ': ' || i.title,
       case when p.failed then 'failed' else 'sent' end, p.at,
       case when p.failed then 3 else 1 end, case when p.failed then 'SMS provider answered 503' end,
       p.at, case when not p.failed then p.at + interval '3 seconds' end
     from seed_inc i
     join seed_svc s on s.name = i.svc1
     cross join lateral (
       select 1 as level, date_trunc('milliseconds', i.created_at + interval '1 second') as at, i.r_fail < 0.03 as failed
       union all
       select 2, date_trunc('milliseconds', i.created_at + i.ack_target_min * interval '1 minute'), random() < 0.03
       where (i.acknowledged_at is null or i.ack_min > i.ack_target_min)
         and i.created_at + i.ack_target_min * interval '1 minute' < now()) p
     join seed_user u on u.team_idx = s.team_idx and u.pos = (i.number + p.level - 1) % u.team_size
     where i.severity in ('SEV1','SEV2') and i.r_page < 0.95`,
  ];
}

/**
 * After the last chunk: the reminders a year-old installation has already sent (so the server's first
 * sweep does not remind of ~20 k missing postmortems and every open incident at once, in the middle of the
 * measurement: open incidents were last reminded now, missing/unpublished required postmortems in the last
 * 12 h); every day with data dirty (as migration 0010 does); triggers back on.
 */
export async function finishMetrics(run: Run, setup: MetricsSetup): Promise<void> {
  await run(`insert into incident_escalations (incident_id, level, cycle, state, last_reminder_at, updated_at)
    select id, 0, 0, 'none', now(), now() from incidents
    where status in ('triggered', 'acknowledged', 'investigating', 'mitigating')
    on conflict do nothing`);
  await run(`insert into postmortem_reminders (incident_id, last_sent_at, count)
    select i.id, now() - random() * interval '12 hours', 1 + floor(random() * 5)::int from incidents i
    where i.severity in ('SEV1', 'SEV2') and i.status = 'resolved'
    on conflict do nothing`);
  await run(`insert into metric_dirty_days (kind, day)
    select distinct 'incident', (created_at at time zone 'UTC')::date from incidents
    union select distinct 'alert', (created_at at time zone 'UTC')::date from alerts
    union select distinct 'page', (coalesce(sent_at, created_at) at time zone 'UTC')::date from notifications
    on conflict do nothing`);
  if (setup.replica) await run("set session_replication_role = origin");
  await run("drop table if exists seed_svc");
  await run("drop table if exists seed_user");
  await run("drop table if exists seed_type");
}

/** Row counts of what the metrics seed wrote (for the bench log). */
export async function metricsCounts(run: Run): Promise<Record<string, number>> {
  const tables = [
    "teams",
    "status_components",
    "incident_types",
    "users",
    "status_updates",
    "postmortems",
    "action_items",
    "alerts",
    "notifications",
    "metric_dirty_days",
  ];
  const r = await run(
    `select ${tables.map((t) => `(select count(*) from ${t})::int as ${t}`).join(", ")}, (select count(*) from incidents where type_id is not null)::int as typed_incidents`,
  );
  return Object.fromEntries(Object.entries(r.rows[0] ?? {}).map(([k, v]) => [k, Number(v)]));
}
