import type { ReactNode } from "react";
import { listPeople, listSchedules, listTeams } from "../../api/oncall.ts";
import type { TargetKind, TargetView } from "../../api/oncall-types.ts";
import { useResource } from "../../api/resource.ts";
import { Link, useLocation } from "../../router.tsx";
import { Person } from "../../ui/person.tsx";

// Pieces every on-call page shares: the section's tabs, warnings, links to people, schedules and teams,
// and the directory of names the pickers offer.

const TABS = [
  { href: "/oncall", label: "On call now" },
  { href: "/schedules", label: "Schedules" },
  { href: "/escalation-policies", label: "Escalation policies" },
  { href: "/escalation-rules", label: "Escalation rules" },
  { href: "/teams", label: "Teams" },
  { href: "/people", label: "People" },
] as const;

/** The paths the main navigation's "On call" link stands for. */
export const ONCALL_PATHS = [...TABS.map((t) => t.href), "/profile"];

export function OnCallTabs() {
  const { pathname } = useLocation();
  return (
    <nav className="subnav" aria-label="On call">
      {TABS.map((t) => {
        const here = pathname === t.href || pathname.startsWith(`${t.href}/`);
        return (
          <Link key={t.href} href={t.href} aria-current={here ? "page" : undefined}>
            {t.label}
          </Link>
        );
      })}
    </nav>
  );
}

/** What keeps something from paging anyone, shown where it cannot be missed. */
export function Warnings({ warnings, title }: { warnings: readonly string[]; title?: string }) {
  if (warnings.length === 0) return null;
  return (
    <div className="warn-box" role="status">
      <p className="warn-title">
        <span aria-hidden="true">⚠ </span>
        {title ?? (warnings.length === 1 ? "Needs attention" : `${warnings.length} things need attention`)}
      </p>
      <ul>
        {warnings.map((w) => (
          <li key={w}>{w}</li>
        ))}
      </ul>
    </div>
  );
}

/** A small "⚠ 2 warnings" tag for list rows, the warnings in its tooltip and for screen readers. */
export function WarningTag({ warnings }: { warnings: readonly string[] }) {
  if (warnings.length === 0) return null;
  const text = warnings.join("; ");
  return (
    <span className="tag tag-warn" title={text}>
      <span aria-hidden="true">⚠</span>&nbsp;
      {warnings.length === 1 ? "1 warning" : `${warnings.length} warnings`}
      <span className="sr-only">: {text}</span>
    </span>
  );
}

export const personHref = (username: string) => `/people/${encodeURIComponent(username)}`;
export const scheduleHref = (name: string) => `/schedules/${encodeURIComponent(name)}`;
export const policyHref = (name: string) => `/escalation-policies/${encodeURIComponent(name)}`;
export const teamHref = (name: string) => `/teams#team-${encodeURIComponent(name)}`;

export function PersonLink({ username, children }: { username: string; children?: ReactNode }) {
  return (
    <Link href={personHref(username)} className="person-link">
      <Person name={username} />
      {children}
    </Link>
  );
}

const TARGET_WORDS: Record<TargetKind, string> = { user: "person", schedule: "schedule", team: "team" };

/** A policy's or rule's target: who it is, linked, with its kind. */
export function TargetChip({ target }: { target: TargetView }) {
  if (target.name === null)
    return (
      <span className="chip target-chip target-missing" title={target.id}>
        deleted {TARGET_WORDS[target.type]}
      </span>
    );
  const href =
    target.type === "user"
      ? personHref(target.name)
      : target.type === "schedule"
        ? scheduleHref(target.name)
        : teamHref(target.name);
  return (
    <Link href={href} className={`chip target-chip target-${target.type}`}>
      <span className="target-kind">{TARGET_WORDS[target.type]}</span> {target.name}
    </Link>
  );
}

export interface Directory {
  users: string[];
  schedules: string[];
  teams: string[];
  loading: boolean;
}

/** Names of people, schedules and teams for pickers (loaded once per page). */
export function useDirectory(): Directory {
  const dir = useResource("directory", async (signal) => {
    const [users, schedules, teams] = await Promise.all([
      listPeople(signal),
      listSchedules(signal),
      listTeams(signal),
    ]);
    return {
      users: users.items.map((u) => u.username),
      schedules: schedules.items.map((s) => s.name),
      teams: teams.items.map((t) => t.name),
    };
  });
  return {
    users: dir.data?.users ?? [],
    schedules: dir.data?.schedules ?? [],
    teams: dir.data?.teams ?? [],
    loading: dir.loading,
  };
}

/** The page frame of the on-call section: tabs, then the page. */
export function OnCallPage({ children, className }: { children: ReactNode; className?: string }) {
  return (
    <main className={`page oncall-page${className ? ` ${className}` : ""}`} id="main">
      <OnCallTabs />
      {children}
    </main>
  );
}
