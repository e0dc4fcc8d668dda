import { type FormEvent, useId, useState } from "react";
import { patchService } from "../../api/endpoints.ts";
import { listPolicies } from "../../api/oncall.ts";
import { useResource } from "../../api/resource.ts";
import type { ServiceDetail } from "../../api/types.ts";
import { Link } from "../../router.tsx";
import { useAction } from "../../ui/action.ts";
import { ErrorNote } from "../../ui/banner.tsx";
import { Section } from "../../ui/section.tsx";
import { toast } from "../../ui/toast.tsx";
import { policyHref, TargetChip, Warnings } from "./common.tsx";

// A service's paging: the escalation policy its incidents page by (or a clear "nobody is paged"), who its
// first level pages, and a select to change it.

export function ServiceEscalationSection({
  service,
  refresh,
}: {
  service: ServiceDetail;
  refresh: () => void;
}) {
  const policies = useResource("policies", (signal) => listPolicies(signal));
  const current = service.escalation_policy ?? "";
  const [choice, setChoice] = useState<string | null>(null);
  const value = choice ?? current;
  const selectId = useId();
  const save = useAction(async () => {
    await patchService(service.name, { escalation_policy: value || null });
    toast(value ? `${service.name} now pages by ${value}` : `${service.name} pages nobody now`);
    setChoice(null);
    refresh();
    policies.reload();
  }, ["escalation_policy"]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save.run();
  };
  const policy = policies.data?.items.find((p) => p.name === current);
  const names = policies.data?.items.map((p) => p.name) ?? (current ? [current] : []);
  return (
    <Section id="paging" headingId="escalation-h" title="Paging">
      {current ? (
        <div className="service-policy">
          <p>
            Incidents page by <Link href={policyHref(current)}>{current}</Link>
            {policy?.levels[0]?.targets.length ? (
              <>
                <span className="muted">: first </span>
                <span className="chips">
                  {policy.levels[0].targets.map((t) => (
                    <TargetChip key={`${t.type}:${t.id}`} target={t} />
                  ))}
                </span>
              </>
            ) : null}
          </p>
          {policy ? <Warnings warnings={policy.warnings} /> : null}
        </div>
      ) : (
        <p className="gap-text">No escalation policy: incidents of {service.name} page nobody.</p>
      )}
      <form className="inline-form policy-pick" onSubmit={submit}>
        <div className={`field field-grow${save.fields.escalation_policy ? " has-error" : ""}`}>
          <label htmlFor={selectId}>Escalation policy</label>
          <select
            id={selectId}
            value={value}
            onChange={(e) => setChoice(e.target.value)}
            aria-invalid={save.fields.escalation_policy ? true : undefined}
          >
            <option value="">None: page nobody</option>
            {names.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
          {save.fields.escalation_policy ? (
            <div className="field-error">{save.fields.escalation_policy}</div>
          ) : null}
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={value === current || save.busy}>
            {save.busy ? "Saving…" : "Save policy"}
          </button>
          {choice !== null && choice !== current ? (
            <button type="button" className="btn btn-ghost" onClick={() => setChoice(null)}>
              Cancel
            </button>
          ) : null}
        </div>
        <Link href="/escalation-policies/new" className="small new-policy-link">
          New policy
        </Link>
      </form>
      {save.error ? <ErrorNote>{save.error}</ErrorNote> : null}
    </Section>
  );
}
