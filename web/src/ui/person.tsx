import type { CSSProperties } from "react";

/** A person's handle with an initial avatar whose colour is stable per name. */
export function Person({ name, compact = false }: { name: string; compact?: boolean }) {
  return (
    <span className="person">
      <span className="avatar" aria-hidden="true" style={{ "--hue": hue(name) } as CSSProperties}>
        {name.slice(0, 1).toUpperCase()}
      </span>
      {compact ? <span className="sr-only">{name}</span> : <span className="person-name">{name}</span>}
    </span>
  );
}

function hue(name: string): number {
  let h = 0;
  for (const ch of name) h = (h * 31 + (ch.codePointAt(0) ?? 0)) % 360;
  return h;
}
