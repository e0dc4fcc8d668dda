import { type ReactNode, useState } from "react";
import { useAction } from "./action.ts";
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

/**
 * A deletion that asks first: `ask(target)` opens the dialog, confirming runs `remove(target)`, closes
 * the dialog and calls `done(target)`; a failure stays in the dialog. Spread `dialog` on a ConfirmDialog.
 */
export function useConfirmedDelete<T>(remove: (target: T) => Promise<unknown>, done: (target: T) => void) {
  const [target, setTarget] = useState<T | null>(null);
  const action = useAction(async (t: T) => {
    await remove(t);
    setTarget(null);
    done(t);
  });
  const ask = (t: T) => {
    action.clear();
    setTarget(t);
  };
  const dialog = {
    open: target !== null,
    busy: action.busy,
    error: action.error,
    onClose: () => setTarget(null),
    onConfirm: () => {
      if (target) void action.run(target);
    },
  };
  return { target, ask, dialog };
}
