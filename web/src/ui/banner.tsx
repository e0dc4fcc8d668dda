import type { ReactNode } from "react";

/** A full-width notice under the header: connection state, sign-in problems. */
export function Banner({ tone, children }: { tone: "warn" | "error" | "info"; children: ReactNode }) {
  return (
    <div className={`banner banner-${tone}`} role={tone === "error" ? "alert" : "status"}>
      {children}
    </div>
  );
}

/** An inline error box for a failed load or a form-level problem. */
export function ErrorNote({ children, id }: { children: ReactNode; id?: string }) {
  return (
    <div className="error-note" role="alert" id={id}>
      {children}
    </div>
  );
}
