import { useEffect, useRef, useState } from "react";

// Loads one resource for a key and keeps the last good value while it reloads, so a live refresh
// never flashes an empty page. reload() coalesces bursts: while a request is in flight, any number
// of reload() calls cause exactly one more request after it, and requests start at most every 100 ms.

export interface Resource<T> {
  data: T | undefined;
  /** True while `data` belongs to the previous key (only with keepPrevious). */
  stale: boolean;
  error: unknown;
  loading: boolean;
  /** Refetch (coalesced). */
  reload: () => void;
  /** Replace the data with a newer value the caller already has (e.g. the answer of a PATCH). */
  set: (value: T) => void;
}

const MIN_GAP_MS = 100;

interface State<T> {
  key: string | null;
  data: T | undefined;
  error: unknown;
}

class Loader<T> {
  key: string | null = null;
  load: (signal: AbortSignal) => Promise<T> = () => Promise.reject(new Error("no loader"));
  private inFlight = false;
  private pending = false;
  private timer: number | undefined;
  private last = 0;
  private abort: AbortController | null = null;

  constructor(
    private readonly setState: (update: (s: State<T>) => State<T>) => void,
    private readonly setLoading: (loading: boolean) => void,
  ) {}

  /** A new key: drop whatever was going on and load now. */
  reset(key: string | null): void {
    this.stop();
    this.key = key;
    this.last = 0;
    if (key !== null) void this.run();
  }

  stop(): void {
    this.abort?.abort();
    this.abort = null;
    this.inFlight = false;
    this.pending = false;
    window.clearTimeout(this.timer);
    this.timer = undefined;
  }

  reload = (): void => {
    if (this.key === null) return;
    if (this.inFlight) {
      this.pending = true;
      return;
    }
    if (this.timer !== undefined) return;
    const wait = Math.max(0, this.last + MIN_GAP_MS - performance.now());
    this.timer = window.setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, wait);
  };

  set = (data: T): void => {
    const key = this.key;
    this.setState(() => ({ key, data, error: undefined }));
  };

  private async run(): Promise<void> {
    const key = this.key;
    if (key === null) return;
    this.inFlight = true;
    this.last = performance.now();
    const abort = new AbortController();
    this.abort = abort;
    this.setLoading(true);
    try {
      const data = await this.load(abort.signal);
      if (!abort.signal.aborted) this.setState(() => ({ key, data, error: undefined }));
    } catch (error) {
      if (!abort.signal.aborted)
        this.setState((s) => ({ key, data: s.key === key ? s.data : undefined, error }));
    } finally {
      if (this.abort === abort) {
        this.abort = null;
        this.inFlight = false;
        this.setLoading(false);
        if (this.pending) {
          this.pending = false;
          this.reload();
        }
      }
    }
  }
}

export function useResource<T>(
  key: string | null,
  load: (signal: AbortSignal) => Promise<T>,
  options: { keepPrevious?: boolean } = {},
): Resource<T> {
  const [state, setState] = useState<State<T>>({ key: null, data: undefined, error: undefined });
  const [loading, setLoading] = useState(false);
  const loader = useRef<Loader<T> | null>(null);
  if (loader.current === null) loader.current = new Loader<T>(setState, setLoading);
  const l = loader.current;
  l.load = load;

  useEffect(() => {
    l.reset(key);
    return () => l.stop();
  }, [key, l]);

  const current = state.key === key;
  const keep = !current && options.keepPrevious === true && state.data !== undefined;
  return {
    data: current || keep ? state.data : undefined,
    stale: keep,
    error: current ? state.error : undefined,
    loading: loading || !current,
    reload: l.reload,
    set: l.set,
  };
}
