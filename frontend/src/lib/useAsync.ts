// Load something from the API for a page: its data, its error, and a way to load it again.
import { useCallback, useEffect, useRef, useState } from "react";

export type Loaded<T> =
  | { status: "loading"; data?: undefined; error?: undefined }
  | { status: "ready"; data: T; error?: undefined }
  | { status: "failed"; data?: undefined; error: unknown };

export function useAsync<T>(load: () => Promise<T>, deps: readonly unknown[]) {
  const [state, setState] = useState<Loaded<T>>({ status: "loading" });
  const generation = useRef(0);
  const run = useCallback(load, deps);

  const reload = useCallback(async () => {
    const mine = ++generation.current;
    try {
      const data = await run();
      if (mine === generation.current) setState({ status: "ready", data });
    } catch (error) {
      if (mine === generation.current) setState({ status: "failed", error });
    }
  }, [run]);

  useEffect(() => {
    setState({ status: "loading" });
    void reload();
    return () => {
      generation.current += 1;
    };
  }, [reload]);

  const replace = useCallback((data: T) => setState({ status: "ready", data }), []);
  return { ...state, reload, replace };
}

/** Call `tick` every `ms` while `active` (status badges while videos are processing). */
export function useInterval(tick: () => void, ms: number, active: boolean) {
  const latest = useRef(tick);
  latest.current = tick;
  useEffect(() => {
    if (!active) return;
    const id = window.setInterval(() => latest.current(), ms);
    return () => window.clearInterval(id);
  }, [ms, active]);
}

/** Whether any video is still on its way to `completed` or `error`. */
export function isProcessing(status: string): boolean {
  return status === "pending" || status === "processing";
}
