import { useSyncExternalStore } from "react";

// Short confirmations and errors in a polite live region, gone after a few seconds.

interface Toast {
  id: number;
  text: string;
  tone: "ok" | "error";
}

let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<() => void>();
const changed = () => {
  for (const l of listeners) l();
};

export function toast(text: string, tone: "ok" | "error" = "ok"): void {
  const id = nextId++;
  toasts = [...toasts.slice(-3), { id, text, tone }];
  changed();
  window.setTimeout(
    () => {
      toasts = toasts.filter((t) => t.id !== id);
      changed();
    },
    tone === "error" ? 8000 : 3500,
  );
}

export function Toaster() {
  const list = useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => toasts,
  );
  return (
    <div className="toaster" role="status" aria-live="polite">
      {list.map((t) => (
        <div key={t.id} className={`toast toast-${t.tone}`}>
          {t.text}
        </div>
      ))}
    </div>
  );
}
