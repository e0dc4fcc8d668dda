import { DAY_NAMES, type DayName } from "../../api/oncall-types.ts";
import { Field, textInput } from "../../ui/field.tsx";
import { newKey } from "./submit.ts";

// The windows a layer is limited to (days and local hours), with presets for the usual ones.

export interface RestrictionDraft {
  key: number;
  days: DayName[];
  start: string;
  end: string;
}

export const DAY_SHORT: Record<DayName, string> = {
  mon: "Mon",
  tue: "Tue",
  wed: "Wed",
  thu: "Thu",
  fri: "Fri",
  sat: "Sat",
  sun: "Sun",
};

export function RestrictionsEditor({
  restrictions,
  onChange,
  errors,
  prefix,
  zone,
}: {
  restrictions: RestrictionDraft[];
  onChange: (r: RestrictionDraft[]) => void;
  errors: Record<string, string>;
  prefix: string;
  zone: string;
}) {
  const update = (i: number, patch: Partial<RestrictionDraft>) =>
    onChange(restrictions.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const add = (r: Omit<RestrictionDraft, "key">) => onChange([...restrictions, { key: newKey(), ...r }]);
  return (
    <div className="restrictions-editor">
      <p className="members-title">
        Only on call during {restrictions.length ? "these windows" : "set hours (optional)"}
      </p>
      {errors[prefix] ? <div className="field-error">{errors[prefix]}</div> : null}
      {restrictions.map((r, i) => {
        const e = (key: string) => errors[`${prefix}.${i}${key ? `.${key}` : ""}`];
        return (
          <fieldset key={r.key} className="restriction">
            <legend className="sr-only">Window {i + 1}: days and hours</legend>
            <div className="day-toggles">
              {DAY_NAMES.map((d) => (
                <label key={d} className={`day-toggle${r.days.includes(d) ? " on" : ""}`}>
                  <input
                    type="checkbox"
                    checked={r.days.includes(d)}
                    onChange={(ev) =>
                      update(i, {
                        days: ev.target.checked
                          ? DAY_NAMES.filter((x) => x === d || r.days.includes(x))
                          : r.days.filter((x) => x !== d),
                      })
                    }
                  />
                  {DAY_SHORT[d]}
                </label>
              ))}
            </div>
            <Field label="From" error={e("start")} className="field-time">
              {textInput(r.start, (start) => update(i, { start }), { type: "time" })}
            </Field>
            <Field label="To" error={e("end")} className="field-time">
              {textInput(r.end, (end) => update(i, { end }), { type: "time" })}
            </Field>
            <button
              type="button"
              className="btn btn-ghost btn-xs"
              onClick={() => onChange(restrictions.filter((_, j) => j !== i))}
              aria-label={`Remove window ${i + 1}`}
            >
              Remove
            </button>
            {e("days") || e("") ? <div className="field-error">{e("days") ?? e("")}</div> : null}
          </fieldset>
        );
      })}
      <div className="btn-row">
        <button
          type="button"
          className="btn btn-ghost btn-sm"
          onClick={() => add({ days: ["mon", "tue", "wed", "thu", "fri"], start: "09:00", end: "17:00" })}
        >
          + Weekdays 09:00–17:00
        </button>
        <button
          type="button"
          className="btn btn-ghost btn-sm"
          onClick={() => add({ days: ["mon", "tue", "wed", "thu", "fri"], start: "17:00", end: "09:00" })}
        >
          + Weeknights 17:00–09:00
        </button>
        <button
          type="button"
          className="btn btn-ghost btn-sm"
          onClick={() => add({ days: ["sat", "sun"], start: "00:00", end: "00:00" })}
        >
          + Weekends
        </button>
      </div>
      {restrictions.length ? (
        <p className="hint">
          Times are in {zone}; a To at or before From ends the next day. Outside these windows the layers
          below show through.
        </p>
      ) : null}
    </div>
  );
}
