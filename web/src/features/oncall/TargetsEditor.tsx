import { TARGET_KINDS, type TargetKind, type TargetView } from "../../api/oncall-types.ts";
import type { Directory } from "./common.tsx";
import { newKey } from "./submit.ts";

// Who a policy level or an escalation rule pages: rows of (kind, name) picked from the people, schedules
// and teams that exist. Errors come keyed `<prefix>.<row>` and show on their row.

export interface TargetDraft {
  key: number;
  type: TargetKind;
  name: string;
}

const KIND_LABELS: Record<TargetKind, string> = { user: "Person", schedule: "Schedule", team: "Team" };

export function targetDrafts(targets: readonly TargetView[]): TargetDraft[] {
  return targets.map((t) => ({ key: newKey(), type: t.type, name: t.name ?? "" }));
}

export function TargetsEditor({
  targets,
  onChange,
  dir,
  errors,
  prefix,
  label,
}: {
  targets: TargetDraft[];
  onChange: (targets: TargetDraft[]) => void;
  dir: Directory;
  errors: Record<string, string>;
  /** The server's path of the list ("levels.0.targets", "targets"). */
  prefix: string;
  /** What the rows are targets of, for screen readers ("level 1"). */
  label: string;
}) {
  const names = (type: TargetKind) =>
    type === "user" ? dir.users : type === "schedule" ? dir.schedules : dir.teams;
  const update = (i: number, patch: Partial<TargetDraft>) =>
    onChange(targets.map((t, j) => (j === i ? { ...t, ...patch } : t)));
  const add = () => {
    const type: TargetKind = dir.schedules.length ? "schedule" : "user";
    onChange([...targets, { key: newKey(), type, name: "" }]);
  };
  return (
    <fieldset className="targets-editor">
      <legend className="members-title">
        Who is paged <span className="sr-only">at {label}</span>
      </legend>
      {errors[prefix] ? <div className="field-error">{errors[prefix]}</div> : null}
      {targets.length === 0 ? (
        <p className="muted small">Nobody yet: add a schedule, a person or a team.</p>
      ) : null}
      <ul className="target-rows">
        {targets.map((t, i) => {
          const options = names(t.type);
          const error = errors[`${prefix}.${i}`];
          return (
            <li key={t.key} className={`target-row${error ? " has-error" : ""}`}>
              <select
                aria-label={`Kind of target ${i + 1} of ${label}`}
                value={t.type}
                onChange={(e) => update(i, { type: e.target.value as TargetKind, name: "" })}
              >
                {TARGET_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {KIND_LABELS[k]}
                  </option>
                ))}
              </select>
              <select
                aria-label={`Target ${i + 1} of ${label}`}
                aria-invalid={error ? true : undefined}
                value={t.name}
                onChange={(e) => update(i, { name: e.target.value })}
              >
                <option value="">
                  {options.length ? `Pick a ${KIND_LABELS[t.type].toLowerCase()}…` : `No ${t.type}s yet`}
                </option>
                {(t.name && !options.includes(t.name) ? [t.name, ...options] : options).map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </select>
              <button
                type="button"
                className="btn btn-ghost btn-xs"
                onClick={() => onChange(targets.filter((_, j) => j !== i))}
                aria-label={`Remove target ${i + 1} of ${label}`}
              >
                ×
              </button>
              {error ? <div className="field-error">{error}</div> : null}
            </li>
          );
        })}
      </ul>
      <button type="button" className="btn btn-ghost btn-sm self-start" onClick={add}>
        + Add target
      </button>
    </fieldset>
  );
}
