import { listPolicies } from "../../api/oncall.ts";
import type { EscalationPolicy } from "../../api/oncall-types.ts";
import { useResource } from "../../api/resource.ts";
import { Link } from "../../router.tsx";
import { LoadError } from "../../ui/banner.tsx";
import { ListTable, PlainHeaders } from "../../ui/table.tsx";
import { useDocumentTitle } from "../../ui/title.ts";
import { OnCallPage, policyHref, TargetChip, WarningTag } from "./common.tsx";

// Every escalation policy: who its first level pages, how many levels, which services use it.

const COLUMNS = [
  { label: "Policy", className: "col-name" },
  { label: "First pages", className: "col-first" },
  { label: "Levels", className: "col-levels" },
  { label: "Services", className: "col-services" },
  { label: "Warnings", className: "col-warnings" },
];

export function PoliciesPage() {
  useDocumentTitle("Escalation policies");
  const list = useResource("policies", (signal) => listPolicies(signal));
  const items = list.data?.items;
  return (
    <OnCallPage>
      <div className="page-head">
        <h1>Escalation policies</h1>
        <Link href="/escalation-policies/new" className="btn btn-primary push-right">
          <span aria-hidden="true">+</span> New policy
        </Link>
      </div>
      <p className="muted page-intro">
        A policy says who is paged for a service's incidents, level after level, until someone acknowledges.
      </p>
      {list.error && !items ? (
        <LoadError what="escalation policies" error={list.error} onRetry={list.reload} />
      ) : null}
      <ListTable
        className="data-table policy-table"
        caption="Escalation policies"
        header={<PlainHeaders columns={COLUMNS} />}
        columnCount={COLUMNS.length}
        items={items}
        error={list.error}
        loading={list.loading}
        skeletonRows={3}
        row={(p) => <PolicyRow key={p.id} policy={p} />}
        empty={
          <div className="empty">
            <p className="empty-title">No escalation policies yet.</p>
            <p className="muted">Without one, incidents page nobody.</p>
            <Link href="/escalation-policies/new" className="btn btn-secondary">
              Create the first policy
            </Link>
          </div>
        }
      />
    </OnCallPage>
  );
}

function PolicyRow({ policy }: { policy: EscalationPolicy }) {
  const first = policy.levels[0];
  return (
    <tr className="data-row" data-name={policy.name}>
      <td className="col-name">
        <Link href={policyHref(policy.name)} className="row-link">
          {policy.name}
        </Link>
        {policy.description ? <div className="muted small">{policy.description}</div> : null}
        {policy.team ? <div className="muted small">Team {policy.team}</div> : null}
      </td>
      <td className="col-first above-row-link">
        {first?.targets.length ? (
          <span className="chips">
            {first.targets.map((t) => (
              <TargetChip key={`${t.type}:${t.id}`} target={t} />
            ))}
          </span>
        ) : (
          <span className="gap-text">Nobody</span>
        )}
      </td>
      <td className="col-levels num">
        {policy.levels.length}
        {policy.repeat ? <span className="muted small"> ×{policy.repeat + 1}</span> : null}
      </td>
      <td className="col-services above-row-link">
        {policy.services.length ? (
          <span className="chips">
            {policy.services.map((s) => (
              <Link key={s} href={`/services/${encodeURIComponent(s)}`} className="chip">
                {s}
              </Link>
            ))}
          </span>
        ) : (
          <span className="muted">none</span>
        )}
      </td>
      <td className="col-warnings">
        {policy.warnings.length ? (
          <WarningTag warnings={policy.warnings} />
        ) : (
          <span className="muted">—</span>
        )}
      </td>
    </tr>
  );
}
