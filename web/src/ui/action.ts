import { useCallback, useRef, useState } from "react";
import { ApiError, errorMessage } from "../api/client.ts";

// State for one form's submit: busy flag, the server's field errors, and a form-level message for
// everything that is not about a field. The form's own state is never reset on failure.

export interface Action<A extends unknown[]> {
  run: (...args: A) => Promise<boolean>;
  busy: boolean;
  error: string | null;
  fields: Record<string, string>;
  clear: () => void;
}

export function useAction<A extends unknown[]>(
  fn: (...args: A) => Promise<unknown>,
  placed: readonly string[] = [],
): Action<A> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const fnRef = useRef(fn);
  fnRef.current = fn;
  const placedRef = useRef(placed);
  placedRef.current = placed;

  const run = useCallback(async (...args: A) => {
    setBusy(true);
    setError(null);
    setFields({});
    try {
      await fnRef.current(...args);
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.problem.errors?.length) {
        setFields(e.fieldErrors());
        const rest = e.unplacedErrors(placedRef.current);
        setError(rest.length ? rest.map((f) => `${f.field}: ${f.message}`).join("; ") : null);
      } else setError(errorMessage(e));
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
