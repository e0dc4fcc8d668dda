import type { ReactNode } from "react";
import type { PostmortemSections } from "../../api/postmortems.ts";
import { Field } from "../../ui/field.tsx";
import type { EditorState } from "./editor-state.ts";

// Every written section of the postmortem as a form: textareas for the markdown sections, the impact's
// four parts, five why/because pairs, and the reviewers.

type TextKey =
  | "summary"
  | "root_cause"
  | "contributing_factors"
  | "resolution"
  | "went_well"
  | "went_poorly"
  | "lessons_learned";

const TEXT_SECTIONS: { key: TextKey; label: string; hint: string; rows: number }[] = [
  {
    key: "summary",
    label: "Summary",
    hint: "2–3 sentences: what broke, who was affected, how it was fixed.",
    rows: 3,
  },
  {
    key: "root_cause",
    label: "Root cause",
    hint: "What actually caused it, so a new hire would understand.",
    rows: 4,
  },
  {
    key: "contributing_factors",
    label: "Contributing factors",
    hint: "Other conditions that made it worse.",
    rows: 3,
  },
  { key: "resolution", label: "Resolution", hint: "What stopped it, and what fixed it for good.", rows: 3 },
  { key: "went_well", label: "What went well", hint: "Markdown; a list works well.", rows: 3 },
  {
    key: "went_poorly",
    label: "What went poorly",
    hint: "Gaps in detection, response or tooling. Blameless.",
    rows: 3,
  },
  { key: "lessons_learned", label: "Lessons learned", hint: "", rows: 3 },
];

export function SectionsForm({
  state,
  onChange,
  errors,
  aiSections,
  aiModel,
}: {
  state: EditorState;
  onChange: (next: EditorState) => void;
  errors: Record<string, string>;
  aiSections: readonly string[];
  aiModel: string;
}) {
  const s = state.sections;
  const set = (patch: Partial<PostmortemSections>) => onChange({ ...state, sections: { ...s, ...patch } });
  const setImpact = (patch: Partial<PostmortemSections["impact"]>) =>
    set({ impact: { ...s.impact, ...patch } });
  const aiMark = (key: string): ReactNode =>
    aiSections.includes(key) ? <span className="ai-mark">Drafted by AI ({aiModel}) — review</span> : null;
  const textArea = (t: (typeof TEXT_SECTIONS)[number]) => (
    <Field
      key={t.key}
      label={
        <>
          {t.label} {aiMark(t.key)}
        </>
      }
      hint={t.hint || undefined}
      error={errors[t.key]}
    >
      {(ids) => (
        <textarea
          {...ids}
          name={t.key}
          rows={t.rows}
          value={s[t.key]}
          onChange={(e) => set({ [t.key]: e.target.value } as Partial<PostmortemSections>)}
        />
      )}
    </Field>
  );
  const [summary, rootCause, ...rest] = TEXT_SECTIONS;
  return (
    <div className="pm-sections">
      {summary ? textArea(summary) : null}
      <fieldset className="pm-group">
        <legend>Impact {aiMark("impact")}</legend>
        <Field label="Customers affected" error={errors.impact}>
          {(ids) => (
            <input
              {...ids}
              name="customers"
              value={s.impact.customers}
              onChange={(e) => setImpact({ customers: e.target.value })}
            />
          )}
        </Field>
        <Field label="User-visible symptom">
          {(ids) => (
            <input
              {...ids}
              name="symptom"
              value={s.impact.symptom}
              onChange={(e) => setImpact({ symptom: e.target.value })}
            />
          )}
        </Field>
        <div className="pm-row">
          <Field label="Data integrity" className="pm-integrity">
            {(ids) => (
              <select
                {...ids}
                value={s.impact.data_integrity.level ?? ""}
                onChange={(e) =>
                  setImpact({
                    data_integrity: {
                      ...s.impact.data_integrity,
                      level:
                        e.target.value === "" ? null : (e.target.value as "none" | "suspected" | "confirmed"),
                    },
                  })
                }
              >
                <option value="">Not assessed</option>
                <option value="none">None</option>
                <option value="suspected">Suspected</option>
                <option value="confirmed">Confirmed</option>
              </select>
            )}
          </Field>
          <Field label="Data integrity details" className="field-grow">
            {(ids) => (
              <input
                {...ids}
                value={s.impact.data_integrity.text}
                onChange={(e) =>
                  setImpact({ data_integrity: { ...s.impact.data_integrity, text: e.target.value } })
                }
              />
            )}
          </Field>
        </div>
        <Field label="Revenue impact">
          {(ids) => (
            <input
              {...ids}
              name="revenue"
              value={s.impact.revenue}
              onChange={(e) => setImpact({ revenue: e.target.value })}
            />
          )}
        </Field>
      </fieldset>
      {rootCause ? textArea(rootCause) : null}
      <fieldset className="pm-group">
        <legend>Five whys {aiMark("five_whys")}</legend>
        {errors.five_whys ? <div className="field-error">{errors.five_whys}</div> : null}
        <ol className="pm-whys">
          {state.whys.map((w, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: five fixed slots, never reordered
            <li key={i} className="pm-why">
              <Field label={`Why ${i + 1}`}>
                {(ids) => (
                  <input
                    {...ids}
                    placeholder={i === 0 ? "Why did users see 500 errors?" : "Why …?"}
                    value={w.why}
                    onChange={(e) =>
                      onChange({
                        ...state,
                        whys: state.whys.map((x, j) => (j === i ? { ...x, why: e.target.value } : x)),
                      })
                    }
                  />
                )}
              </Field>
              <Field label={`Because ${i + 1}`}>
                {(ids) => (
                  <input
                    {...ids}
                    placeholder="Because …"
                    value={w.because}
                    onChange={(e) =>
                      onChange({
                        ...state,
                        whys: state.whys.map((x, j) => (j === i ? { ...x, because: e.target.value } : x)),
                      })
                    }
                  />
                )}
              </Field>
            </li>
          ))}
        </ol>
      </fieldset>
      {rest.map(textArea)}
      <Field label="Reviewers" hint="Handles, separated by commas." error={errors.reviewers}>
        {(ids) => (
          <input
            {...ids}
            name="reviewers"
            autoCapitalize="none"
            spellCheck={false}
            value={state.reviewers}
            onChange={(e) => onChange({ ...state, reviewers: e.target.value })}
          />
        )}
      </Field>
    </div>
  );
}
