import { useEffect, useRef } from "react";

// Single-key shortcuts (`/` search, `d` declare, `a` acknowledge, `?` help). Ignored while typing in a
// field or with a modifier held; the most recently mounted handler for a key wins.

type Handler = (event: KeyboardEvent) => void;
const handlers = new Map<string, Handler[]>();

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag === "INPUT") {
    const type = (target as HTMLInputElement).type;
    return !["checkbox", "radio", "button", "submit", "reset"].includes(type);
  }
  return false;
}

window.addEventListener("keydown", (event) => {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
  if (isTyping(event.target)) return;
  if (document.querySelector("dialog[open]")) return;
  const stack = handlers.get(event.key);
  const handler = stack?.[stack.length - 1];
  if (!handler) return;
  event.preventDefault();
  handler(event);
});

export function useShortcut(key: string, handler: Handler, enabled = true): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => {
    if (!enabled) return;
    const h: Handler = (e) => ref.current(e);
    const stack = handlers.get(key) ?? [];
    stack.push(h);
    handlers.set(key, stack);
    return () => {
      const s = handlers.get(key) ?? [];
      const i = s.indexOf(h);
      if (i >= 0) s.splice(i, 1);
    };
  }, [key, enabled]);
}

export function Kbd({ children }: { children: string }) {
  return <kbd className="kbd">{children}</kbd>;
}
