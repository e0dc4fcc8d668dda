import { useId } from "react";
import {
  DAY_NAMES,
  type DayName,
  type LayerBody,
  ROTATION_KINDS,
  type RotationKind,
} from "../../api/oncall-types.ts";
import { Field, textInput } from "../../ui/field.tsx";
import { MembersEditor } from "./MembersEditor.tsx";
import { DAY_SHORT, type RestrictionDraft, RestrictionsEditor } from "./RestrictionsEditor.tsx";
import { newKey } from "./submit.ts";

// One layer of a schedule in the editor: name, rotation (daily, weekly, custom length), the first hand-off,
// members in rotation order, and optional windows the layer is limited to. Errors arrive keyed by the
// server's paths ("layers.0.rotation.handoff_time") and show beside their inputs.

export interface LayerDraft {
  key: number;
  name: string;
  kind: RotationKind;
  handoff_time: string;
  handoff_weekday: DayName | "";
  /** Custom rotations: the shift length in hours, as typed. */
  shift_hours: string;
  start: string;
  members: string[];
  restrictions: RestrictionDraft[];
}

const KIND_LABELS: Record<RotationKind, string> = {
  daily: "Daily",
  weekly: "Weekly",
  custom: "Custom length",
};

export function layerDraft(layer: LayerBody): LayerDraft {
  const wd = layer.rotation.handoff_weekday;
  return {
    key: newKey(),
    name: layer.name,
    kind: layer.rotation.kind,
    handoff_time: layer.rotation.handoff_time,
    handoff_weekday: typeof wd === "number" ? (DAY_NAMES[wd - 1] ?? "") : (wd ?? ""),
    shift_hours: layer.rotation.shift_minutes ? String(layer.rotation.shift_minutes / 60) : "",
    start: layer.start,
    members: [...layer.members],
    restrictions: (layer.restrictions ?? []).map((r) => ({ key: newKey(), ...r, days: [...r.days] })),
  };
}

export function layerBody(d: LayerDraft): LayerBody {
  const hours = Number(d.shift_hours);
  return {
    name: d.name.trim(),
    start: d.start,
    rotation: {
      kind: d.kind,
      handoff_time: d.handoff_time,
      ...(d.kind === "weekly" && d.handoff_weekday ? { handoff_weekday: d.handoff_weekday } : {}),
      ...(d.kind === "custom" && d.shift_hours.trim() !== ""
        ? { shift_minutes: Number.isFinite(hours) ? Math.round(hours * 60) : Number.NaN }
        : {}),
    },
    members: d.members,
    ...(d.restrictions.length
      ? { restrictions: d.restrictions.map((r) => ({ days: r.days, start: r.start, end: r.end })) }
      : {}),
  };
}

export function LayerEditor({
  index,
  count,
  layer,
  onChange,
  onMove,
  onRemove,
  people,
  zone,
  errors,
}: {
  index: number;
  count: number;
  layer: LayerDraft;
  onChange: (layer: LayerDraft) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
  people: string[];
  zone: string;
  /** Field errors by the server's path. */
  errors: Record<string, string>;
}) {
  const p = `layers.${index}`;
  const e = (key: string) => errors[`${p}.${key}`];
  const set = (patch: Partial<LayerDraft>) => onChange({ ...layer, ...patch });
  const headingId = useId();
  return (
    <fieldset className="layer-editor card" aria-labelledby={headingId}>
      <div className="layer-editor-head">
        <h3 id={headingId}>
          Layer {index + 1}
          {layer.name.trim() ? `: ${layer.name.trim()}` : ""}
        </h3>
        <div className="push-right btn-row">
          <button
            type="button"
            className="btn btn-ghost btn-xs"
            disabled={index === 0}
            onClick={() => onMove(-1)}
            aria-label={`Move layer ${index + 1} up`}
          >
            ↑
          </button>
          <button
            type="button"
            className="btn btn-ghost btn-xs"
            disabled={index === count - 1}
            onClick={() => onMove(1)}
            aria-label={`Move layer ${index + 1} down`}
          >
            ↓
          </button>
          <button type="button" className="btn btn-ghost btn-xs" onClick={onRemove}>
            Remove layer
          </button>
        </div>
      </div>
      {errors[p] ? <div className="field-error">{errors[p]}</div> : null}
      <div className="form-row">
        <Field label="Layer name" error={e("name")} className="field-grow">
          {textInput(layer.name, (name) => set({ name }), { placeholder: "Primary" })}
        </Field>
        <Field label="Rotation" error={e("rotation.kind") ?? e("rotation")} className="field-kind">
          {(ids) => (
            <select
              {...ids}
              value={layer.kind}
              onChange={(ev) => set({ kind: ev.target.value as RotationKind })}
            >
              {ROTATION_KINDS.map((k) => (
                <option key={k} value={k}>
                  {KIND_LABELS[k]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Hand-off time" hint={zone} error={e("rotation.handoff_time")} className="field-time">
          {textInput(layer.handoff_time, (handoff_time) => set({ handoff_time }), {
            type: "time",
            required: true,
          })}
        </Field>
        {layer.kind === "weekly" ? (
          <Field label="Hand-off day" error={e("rotation.handoff_weekday")} className="field-day">
            {(ids) => (
              <select
                {...ids}
                value={layer.handoff_weekday}
                onChange={(ev) => set({ handoff_weekday: ev.target.value as DayName | "" })}
              >
                <option value="">The start's weekday</option>
                {DAY_NAMES.map((d) => (
                  <option key={d} value={d}>
                    {DAY_SHORT[d]}
                  </option>
                ))}
              </select>
            )}
          </Field>
        ) : null}
        {layer.kind === "custom" ? (
          <Field
            label="Shift length (hours)"
            hint="12: two shifts a day; 72: three days; at least 0.25 (15 min)"
            error={e("rotation.shift_minutes")}
            className="field-number"
          >
            {textInput(layer.shift_hours, (shift_hours) => set({ shift_hours }), {
              type: "number",
              min: 0.25,
              step: 0.25,
              inputMode: "decimal",
            })}
          </Field>
        ) : null}
        <Field
          label={`First hand-off (${zone})`}
          hint="The first member is on call from then."
          error={e("start")}
          className="field-when"
        >
          {textInput(layer.start, (start) => set({ start }), { type: "datetime-local", required: true })}
        </Field>
      </div>
      <MembersEditor
        members={layer.members}
        onChange={(members) => set({ members })}
        people={people}
        error={e("members")}
        layerName={layer.name.trim() || `layer ${index + 1}`}
      />
      <RestrictionsEditor
        restrictions={layer.restrictions}
        onChange={(restrictions) => set({ restrictions })}
        errors={errors}
        prefix={`${p}.restrictions`}
        zone={zone}
      />
    </fieldset>
  );
}
