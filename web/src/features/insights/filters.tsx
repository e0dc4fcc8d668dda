import { useId } from "react";
import { listIncidentTypes } from "../../api/incident-types.ts";
import type { MetricsReport } from "../../api/metrics.ts";
import { listTeams } from "../../api/oncall.ts";
import { useResource } from "../../api/resource.ts";
import { CompactField } from "../../ui/compact-field.tsx";
import { ServiceFilter } from "../incidents/ServiceFilter.tsx";
import {
  addDays,
  hasInsightsFilters,
  type InsightsQuery,
  isDay,
  RANGE_PRESETS,
  SEVERITY_LIST,
} from "./query.ts";

// The Insights toolbar: range presets (radio buttons: arrow keys move between them) or custom dates,
// service, team, incident type and severities. Every change goes to the URL (see query.ts).

export function Filters({
  query,
  report,
  update,
}: {
  query: InsightsQuery;
  report: MetricsReport | undefined;
  update: (changes: Record<string, string | null>) => void;
}) {
  const teams = useResource("teams", (signal) => listTeams(signal));
  const types = useResource("incident-types", (signal) => listIncidentTypes(signal));
  const teamNames = (teams.data?.items ?? []).map((t) => t.name).sort();
  const typeNames = (types.data?.items ?? []).map((t) => t.name).sort();

  const choosePreset = (value: string) => {
    if (value === "custom") {
      // Start from the range on screen, so Custom first shows the same figures.
      const from = report?.range.from ?? addDays(new Date().toISOString().slice(0, 10), -29);
      const to = report ? addDays(report.range.to, -1) : new Date().toISOString().slice(0, 10);
      update({ range: null, from, to });
    } else update({ range: value, from: null, to: null });
  };
  const clear = () => update({ service: null, team: null, type: null, severity: null });

  return (
    <search className="toolbar insights-filters" aria-label="Filter insights">
      <fieldset className="seg" aria-describedby={undefined}>
        <legend>Range</legend>
        {[...RANGE_PRESETS, { value: "custom", label: "Custom" } as const].map((p) => {
          const on = query.range === p.value;
          return (
            <label key={p.value} className={`seg-option${on ? " on" : ""}`}>
              <input
                type="radio"
                name="insights-range"
                value={p.value}
                checked={on}
                onChange={() => choosePreset(p.value)}
              />
              {p.value === "custom" ? "Custom" : p.value}
              {p.value !== "custom" ? <span className="sr-only"> ({p.label})</span> : null}
            </label>
          );
        })}
      </fieldset>
      {query.range === "custom" ? <CustomRange query={query} update={update} /> : null}
      <ServiceFilter value={query.service} onChange={(service) => update({ service })} />
      <CompactField label="Team">
        {(id) => (
          <select id={id} value={query.team} onChange={(e) => update({ team: e.target.value })}>
            <option value="">Any</option>
            {query.team && !teamNames.includes(query.team) ? (
              <option value={query.team}>{query.team}</option>
            ) : null}
            {teamNames.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        )}
      </CompactField>
      <CompactField label="Type">
        {(id) => (
          <select id={id} value={query.type} onChange={(e) => update({ type: e.target.value })}>
            <option value="">Any</option>
            <option value="none">No type</option>
            {query.type && query.type !== "none" && !typeNames.includes(query.type) ? (
              <option value={query.type}>{query.type}</option>
            ) : null}
            {typeNames.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        )}
      </CompactField>
      <fieldset className="sev-filter">
        <legend>Severity</legend>
        {SEVERITY_LIST.map((s) => {
          const on = query.severities.includes(s);
          return (
            <label key={s} className={`sev-toggle${on ? " on" : ""}`}>
              <input
                type="checkbox"
                checked={on}
                onChange={() => {
                  const next = on ? query.severities.filter((x) => x !== s) : [...query.severities, s];
                  update({ severity: SEVERITY_LIST.filter((x) => next.includes(x)).join(",") || null });
                }}
              />
              {s}
            </label>
          );
        })}
      </fieldset>
      {hasInsightsFilters(query) ? (
        <button type="button" className="btn btn-ghost" onClick={clear}>
          Clear filters
        </button>
      ) : null}
    </search>
  );
}

function CustomRange({
  query,
  update,
}: {
  query: InsightsQuery;
  update: (changes: Record<string, string | null>) => void;
}) {
  const backwards = query.from && query.to && query.to < query.from;
  const hintId = useId();
  return (
    <span className="custom-range">
      <CompactField label="From">
        {(id) => (
          <input
            id={id}
            type="date"
            value={query.from}
            max={query.to || undefined}
            onChange={(e) => {
              if (isDay(e.target.value)) update({ from: e.target.value });
            }}
          />
        )}
      </CompactField>
      <CompactField label="To">
        {(id) => (
          <input
            id={id}
            type="date"
            value={query.to}
            min={query.from || undefined}
            aria-invalid={backwards ? true : undefined}
            aria-describedby={backwards ? hintId : undefined}
            onChange={(e) => {
              if (isDay(e.target.value)) update({ to: e.target.value });
            }}
          />
        )}
      </CompactField>
      {backwards ? (
        <span id={hintId} className="field-error">
          To is before From.
        </span>
      ) : null}
    </span>
  );
}
