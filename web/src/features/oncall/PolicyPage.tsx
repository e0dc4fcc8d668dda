import { deletePolicy, getPolicy } from "../../api/oncall.ts";
import type { EscalationPolicy } from "../../api/oncall-types.ts";
import { useResource } from "../../api/resource.ts";
import { Link, navigate } from "../../router.tsx";
import { ConfirmDialog, useConfirmedDelete } from "../../ui/confirm.tsx";
import { DetailFallback } from "../../ui/detail-fallback.tsx";
import { Section } from "../../ui/section.tsx";
import { useDocumentTitle } from "../../ui/title.ts";
import { toast } from "../../ui/toast.tsx";
import { useSeverityPolicy } from "../incidents/reference-data.ts";
import { OnCallPage, policyHref, TargetChip, Warnings } from "./common.tsx";
import { minutesWords } from "./zone.ts";

// One escalation policy: its levels in order, in words ("page schedule primary, wait 5 min"), what
// happens after the last level, the services that use it and what keeps it from paging anyone.

export function PolicyPage({ name }: { name: string }) {
  const resource = useResource(name, (signal) => getPolicy(name, signal));
  const policy = resource.data;
  useDocumentTitle(policy ? `${policy.name} · Escalation policies` : name);
  if (!policy)
    return (
      <DetailFallback
        name={name}
        back={{ href: "/escalation-policies", label: "Escalation policies" }}
        error={resource.error}
        onRetry={resource.reload}
        notFound={{
          title: `No escalation policy “${name}”`,
          href: "/escalation-policies",
          link: "All policies",
        }}
      />
    );
  return (
    <OnCallPage>
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link href="/escalation-policies">Escalation policies</Link>
        <span aria-hidden="true"> / </span>
        <span aria-current="page">{policy.name}</span>
      </nav>
      <header className="detail-head">
        <div className="head-row">
          <h1 className="detail-title">{policy.name}</h1>
          <div className="head-actions">
            <Link href={`${policyHref(policy.name)}/edit`} className="btn btn-secondary">
              Edit policy
            </Link>
            <DeletePolicy policy={policy} />
          </div>
        </div>
        {policy.description ? <p className="detail-description">{policy.description}</p> : null}
      </header>
      <Warnings warnings={policy.warnings} />
      <div className="schedule-sections">
        <LevelsSection policy={policy} />
        <Section headingId="services-h" title="Used by services" count={policy.services.length || ""}>
          {policy.services.length ? (
            <ul className="chips plain-list">
              {policy.services.map((s) => (
                <li key={s}>
                  <Link href={`/services/${encodeURIComponent(s)}`} className="chip">
                    {s}
                  </Link>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted empty-inline">
              No service uses this policy yet: choose it on a service's page, under “Paging”.
            </p>
          )}
        </Section>
      </div>
    </OnCallPage>
  );
}

function LevelsSection({ policy }: { policy: EscalationPolicy }) {
  const severities = useSeverityPolicy();
  const ackTargets = severities.map((s) => `${s.severity} ${minutesWords(s.ack_within_minutes)}`).join(", ");
  return (
    <Section headingId="levels-h" title="Levels" count={policy.levels.length || ""}>
      {policy.levels.length === 0 ? (
        <p className="gap-text">No levels: this policy pages nobody. Edit it to add one.</p>
      ) : (
        <ol className="levels">
          {policy.levels.map((level, i) => (
            <li key={level.level} className="level">
              <span className="level-num" aria-hidden="true">
                {level.level}
              </span>
              <div className="level-body">
                <h3 className="level-title">Level {level.level}</h3>
                <div className="level-targets">
                  <span className="muted">Page </span>
                  {level.targets.length ? (
                    <span className="chips">
                      {level.targets.map((t) => (
                        <TargetChip key={`${t.type}:${t.id}`} target={t} />
                      ))}
                    </span>
                  ) : (
                    <span className="gap-text">nobody</span>
                  )}
                  {level.round_robin ? (
                    <span
                      className="tag tag-accent"
                      title="One person per incident, in turn, instead of everyone"
                    >
                      round robin
                    </span>
                  ) : null}
                </div>
                <p className="muted small level-wait">
                  {i < policy.levels.length - 1 || policy.repeat > 0
                    ? "Then, if nobody acknowledges within "
                    : "Waits "}
                  {level.delay_minutes !== null ? (
                    <strong>{minutesWords(level.delay_minutes)}</strong>
                  ) : (
                    <span title={ackTargets}>
                      <strong>the severity's ack target</strong> ({ackTargets})
                    </span>
                  )}
                  {i < policy.levels.length - 1
                    ? `, level ${level.level + 1} is paged.`
                    : policy.repeat > 0
                      ? ", the policy starts over."
                      : " for an acknowledgement; then the escalation ends."}
                </p>
              </div>
            </li>
          ))}
        </ol>
      )}
      {policy.repeat > 0 ? (
        <p className="small">
          The whole policy runs {policy.repeat + 1} times ({policy.repeat} repeat
          {policy.repeat === 1 ? "" : "s"}), then stops paging.
        </p>
      ) : null}
    </Section>
  );
}

function DeletePolicy({ policy }: { policy: EscalationPolicy }) {
  const deletion = useConfirmedDelete(
    (p: EscalationPolicy) => deletePolicy(p.name),
    (p) => {
      toast(`Deleted policy ${p.name}`);
      navigate("/escalation-policies");
    },
  );
  return (
    <>
      <button type="button" className="btn btn-ghost" onClick={() => deletion.ask(policy)}>
        Delete
      </button>
      <ConfirmDialog {...deletion.dialog} title={`Delete ${policy.name}?`} confirmLabel="Delete policy">
        <p>
          {policy.services.length
            ? `It is used by ${policy.services.join(", ")}: point them at another policy first.`
            : "No service uses it."}
        </p>
      </ConfirmDialog>
    </>
  );
}
