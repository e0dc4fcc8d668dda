import { useCallback, useRef, useState } from "react";
import { ApiError, errorMessage } from "../../api/client.ts";

// Submitting a form whose fields are nested (layers.0.rotation.handoff_time, levels.1.targets.0.name).
// ui/action.ts keys errors by the top-level field; here `place` maps each error's path to the key of the
// input that shows it, so every field error lands beside its own input, and only errors no input shows
// go to the form-level message.

export interface Submit<A extends unknown[]> {
  run: (...args: A) => Promise<boolean>;
  busy: boolean;
  /** The form-level message: the problem's detail, or the errors no input shows. */
  error: string | null;
  /** Messages by the key of the input that shows them. */
  fields: Record<string, string>;
  clear: () => void;
}

export function useSubmit<A extends unknown[]>(
  fn: (...args: A) => Promise<unknown>,
  place: (path: string) => string | null,
): Submit<A> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const fnRef = useRef(fn);
  fnRef.current = fn;
  const placeRef = useRef(place);
  placeRef.current = place;

  const run = useCallback(async (...args: A) => {
    setBusy(true);
    setError(null);
    setFields({});
    try {
      await fnRef.current(...args);
      return true;
    } catch (e) {
      const errors = e instanceof ApiError ? (e.problem.errors ?? []) : [];
      if (errors.length === 0) {
        setError(errorMessage(e));
        return false;
      }
      const placed: Record<string, string> = {};
      const rest: string[] = [];
      for (const fe of errors) {
        const key = placeRef.current(fe.field);
        if (key === null) rest.push(`${fe.field}: ${fe.message}`);
        else placed[key] = placed[key] ? `${placed[key]}; ${fe.message}` : fe.message;
      }
      setFields(placed);
      const count = Object.keys(placed).length;
      setError(
        rest.length
          ? rest.join("; ")
          : `Check the field${count === 1 ? "" : "s"} marked below (${count} problem${count === 1 ? "" : "s"}).`,
      );
      return false;
    } finally {
      setBusy(false);
    }
  }, []);

  const clear = useCallback(() => {
    setError(null);
    setFields({});
  }, []);

  return { run, busy, error, fields, clear };
}

/**
 * A placement for paths made of known leaf names: the path cut after the first segment that is not an
 * index and not in `nested` ("layers.0.members.3" → "layers.0.members" when `members` is not nested).
 */
export function placeByPrefix(nested: readonly string[]): (path: string) => string {
  return (path) => {
    const parts = path.split(".");
    const out: string[] = [];
    for (const part of parts) {
      out.push(part);
      if (!/^\d+$/.test(part) && !nested.includes(part)) break;
    }
    return out.join(".");
  };
}

let nextKey = 1;
/** A stable React key for a row of a form's list (layers, targets, windows) that has no id yet. */
export const newKey = () => nextKey++;

/** After a refused submit: bring the first input with an error (or the form's message) into view and focus. */
export function focusFirstError(form: HTMLFormElement | null): void {
  window.requestAnimationFrame(() => {
    const target = form?.querySelector<HTMLElement>('[aria-invalid="true"], .field-error, .error-note');
    if (!target) return;
    target.scrollIntoView({ block: "center" });
    if (target.matches("input, select, textarea")) target.focus({ preventScroll: true });
  });
}
