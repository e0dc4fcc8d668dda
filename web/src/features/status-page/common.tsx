import { type ReactNode, useEffect, useRef } from "react";
import { useResource } from "../../api/resource.ts";
import { getPublicStatus, listComponents } from "../../api/status-page.ts";
import {
  COMPONENT_STATUS_LABELS,
  type ComponentStatus,
  type MaintenanceStatus,
  type PublicPageStatus,
  type StatusComponent,
} from "../../api/types.ts";
import { useLiveEvents, useStatusPageEvents } from "../../live/events.ts";
import { Link, useLocation } from "../../router.tsx";

// Pieces every status page tab shares: the frame (heading, what the public sees overall, the link to the
// public page, the tabs), the status badges, and live reloading.

const TABS = [
  { href: "/status-page/components", label: "Components" },
  { href: "/status-page/maintenance", label: "Maintenance" },
  { href: "/status-page/subscribers", label: "Subscribers" },
  { href: "/status-page/settings", label: "Settings" },
] as const;

/** Reloads when the status page's configuration or any incident changes (both move component statuses). */
export function useStatusPageRefresh(reload: () => void): void {
  useLiveEvents(() => reload());
  useStatusPageEvents(reload);
}

/** The status page section's frame: heading, overall status, "View public page ↗", tabs. */
export function StatusPageFrame({ children }: { children: ReactNode }) {
  const { pathname } = useLocation();
  const overall = useResource("public-status", (signal) => getPublicStatus(signal));
  // The public page is a snapshot rebuilt a moment after each change: read it now and once more after.
  const later = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(later.current), []);
  useStatusPageRefresh(() => {
    overall.reload();
    window.clearTimeout(later.current);
    later.current = window.setTimeout(overall.reload, 1000);
  });
  return (
    <main className="page status-admin" id="main">
      <div className="page-head">
        <h1>Status page</h1>
        <OverallStatus status={overall.data} failed={Boolean(overall.error)} />
        <a href="/status" target="_blank" rel="noopener" className="btn btn-secondary push-right public-link">
          View public page <span aria-hidden="true">↗</span>
          <span className="sr-only"> (opens in a new tab)</span>
        </a>
      </div>
      <nav className="subnav" aria-label="Status page">
        {TABS.map((t) => {
          const here =
            pathname === t.href ||
            pathname.startsWith(`${t.href}/`) ||
            (t.href === "/status-page/components" && /^\/status-page\/?$/.test(pathname));
          return (
            <Link key={t.href} href={t.href} aria-current={here ? "page" : undefined}>
              {t.label}
            </Link>
          );
        })}
      </nav>
      {children}
    </main>
  );
}

const INDICATOR_CLASS: Record<PublicPageStatus["status"]["indicator"], ComponentStatus> = {
  none: "operational",
  minor: "degraded_performance",
  major: "partial_outage",
  critical: "major_outage",
};

/** "All Systems Operational": what the public page says at the top, right now. */
function OverallStatus({ status, failed }: { status: PublicPageStatus | undefined; failed: boolean }) {
  if (!status) {
    return failed ? (
      <span className="muted small" title="GET /api/v2/status.json did not answer">
        Overall status unavailable
      </span>
    ) : null;
  }
  const cls = INDICATOR_CLASS[status.status.indicator] ?? "operational";
  return (
    <span className={`badge cstatus cstatus-${cls} overall-status`} data-indicator={status.status.indicator}>
      <span className="dot" aria-hidden="true" />
      <span className="sr-only">The public page says: </span>
      {status.status.description}
    </span>
  );
}

export function componentStatusLabel(status: ComponentStatus): string {
  return COMPONENT_STATUS_LABELS[status] ?? status;
}

/** A component's status: colour, dot and words (never colour alone). */
export function ComponentStatusBadge({ status }: { status: ComponentStatus }) {
  return (
    <span className={`badge cstatus cstatus-${status}`} data-status={status}>
      <span className="dot" aria-hidden="true" />
      {componentStatusLabel(status)}
    </span>
  );
}

const MAINTENANCE_LABELS: Record<MaintenanceStatus, string> = {
  scheduled: "Scheduled",
  in_progress: "In progress",
  verifying: "Verifying",
  completed: "Completed",
};

export function maintenanceStatusLabel(status: MaintenanceStatus): string {
  return MAINTENANCE_LABELS[status] ?? status;
}

export function MaintenanceStatusBadge({ status }: { status: MaintenanceStatus }) {
  return (
    <span className={`badge mstatus mstatus-${status}`} data-status={status}>
      <span className="dot" aria-hidden="true" />
      {maintenanceStatusLabel(status)}
    </span>
  );
}

/** The components (not groups) in display order, and a label with the group's name, for pickers. */
export function useComponentChoices(): {
  components: StatusComponent[];
  loading: boolean;
  label: (id: string) => string;
} {
  const list = useResource("status-components", (signal) => listComponents(signal));
  useStatusPageEvents(list.reload);
  const all = list.data?.components ?? [];
  const groups = new Map(all.filter((c) => c.is_group).map((g) => [g.id, g.name]));
  // The server lists them in display order.
  const components = all.filter((c) => !c.is_group);
  const byId = new Map(all.map((c) => [c.id, c.name]));
  return {
    components,
    loading: list.loading && !list.data,
    label: (id) => {
      const c = all.find((x) => x.id === id);
      const group = c?.group_id ? groups.get(c.group_id) : undefined;
      return group ? `${group} › ${byId.get(id) ?? id}` : (byId.get(id) ?? id);
    },
  };
}

/** Checkbox chips to pick components (groups are not offered: a group is its components). */
export function ComponentPicker({
  legend,
  hint,
  value,
  onChange,
  error,
}: {
  legend: string;
  hint?: string;
  value: string[];
  onChange: (ids: string[]) => void;
  error?: string | undefined;
}) {
  const { components, loading, label } = useComponentChoices();
  return (
    <fieldset className={`component-picker${error ? " has-error" : ""}`}>
      <legend className="picker-legend">{legend}</legend>
      {hint ? <p className="hint">{hint}</p> : null}
      {components.length ? (
        <div className="chips">
          {components.map((c) => {
            const on = value.includes(c.id);
            return (
              <label key={c.id} className={`day-toggle${on ? " on" : ""}`}>
                <input
                  type="checkbox"
                  checked={on}
                  onChange={(e) =>
                    onChange(e.target.checked ? [...value, c.id] : value.filter((id) => id !== c.id))
                  }
                />
                {label(c.id)}
              </label>
            );
          })}
        </div>
      ) : (
        <p className="muted small">
          {loading ? "Loading components…" : "No components yet: add them on the Components tab."}
        </p>
      )}
      {error ? <div className="field-error">{error}</div> : null}
    </fieldset>
  );
}
