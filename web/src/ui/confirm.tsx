import type { ReactNode } from "react";
import { Dialog } from "./dialog.tsx";

/** "Delete X?" with the consequence spelled out; the destructive button is not the default focus. */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  busy,
  error,
  onConfirm,
  onClose,
}: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  busy?: boolean;
  error?: string | null;
  onConfirm: () => void;
  onClose: () => void;
}) {
  return (
    <Dialog open={open} onClose={onClose} title={title}>
      <div className="confirm-body">{children}</div>
      {error ? (
        <div className="error-note" role="alert">
          {error}
        </div>
      ) : null}
      <div className="form-actions confirm-actions">
        <button type="button" className="btn btn-ghost" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="btn btn-danger" disabled={busy} onClick={onConfirm}>
          {busy ? "Deleting…" : confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
