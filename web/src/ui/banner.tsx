import type { ReactNode } from "react";
import { errorMessage } from "../api/client.ts";

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

/** "Could not load X: why. Try again" for a load that failed (the retry refetches). */
export function LoadError({
  what,
  error,
  onRetry,
}: {
  what: ReactNode;
  error: unknown;
  onRetry: () => void;
}) {
  return (
    <ErrorNote>
      Could not load {what}: {errorMessage(error)}{" "}
      <button type="button" className="btn btn-link" onClick={onRetry}>
        Try again
      </button>
    </ErrorNote>
  );
}
