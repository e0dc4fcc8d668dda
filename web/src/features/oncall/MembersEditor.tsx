import { useId, useState } from "react";

// A layer's members in rotation order: move up and down, remove, add from the people who exist.

export function MembersEditor({
  members,
  onChange,
  people,
  error,
  layerName,
}: {
  members: string[];
  onChange: (members: string[]) => void;
  people: string[];
  error: string | undefined;
  layerName: string;
}) {
  const [pick, setPick] = useState("");
  const selectId = useId();
  const move = (i: number, by: number) => {
    const next = [...members];
    const [m] = next.splice(i, 1);
    if (m !== undefined) next.splice(i + by, 0, m);
    onChange(next);
  };
  return (
    <div className={`members-editor${error ? " has-error" : ""}`}>
      <p className="members-title">Members, in rotation order</p>
      {members.length ? (
        <ol className="member-order">
          {members.map((m, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a person may be in the order twice
            <li key={`${m}-${i}`}>
              <span className="member-pos">{i + 1}.</span>
              <span className="member-name">{m}</span>
              <button
                type="button"
                className="btn btn-ghost btn-xs"
                disabled={i === 0}
                onClick={() => move(i, -1)}
                aria-label={`Move ${m} earlier`}
              >
                ↑
              </button>
              <button
                type="button"
                className="btn btn-ghost btn-xs"
                disabled={i === members.length - 1}
                onClick={() => move(i, 1)}
                aria-label={`Move ${m} later`}
              >
                ↓
              </button>
              <button
                type="button"
                className="btn btn-ghost btn-xs"
                onClick={() => onChange(members.filter((_, j) => j !== i))}
                aria-label={`Remove ${m} from ${layerName}`}
              >
                ×
              </button>
            </li>
          ))}
        </ol>
      ) : (
        <p className="muted small">No members yet: this layer puts nobody on call.</p>
      )}
      <div className="add-member">
        <label htmlFor={selectId} className="sr-only">
          Person to add to {layerName}
        </label>
        <select id={selectId} value={pick} onChange={(ev) => setPick(ev.target.value)}>
          <option value="">Pick a person…</option>
          {people.map((u) => (
            <option key={u} value={u}>
              {u}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="btn btn-secondary btn-sm"
          disabled={!pick}
          onClick={() => {
            onChange([...members, pick]);
            setPick("");
          }}
        >
          Add member
        </button>
      </div>
      {error ? <div className="field-error">{error}</div> : null}
    </div>
  );
}
