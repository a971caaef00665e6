// Run what a form or button does (save, send, delete) and keep what the UI says about it: busy, failed, done.
import { useCallback, useEffect, useRef, useState, type FormEvent } from "react";

interface ActionState {
  busy: boolean;
  error: unknown;
  done: boolean;
}

const IDLE: ActionState = { busy: false, error: null, done: false };

export interface Action<A extends unknown[], R> {
  /** Runs the action; resolves with its result, or undefined when it threw (it never rejects). */
  run: (...args: A) => Promise<R | undefined>;
  /** `run` for a form's onSubmit: stops the browser's own submit first. */
  submit: (event: FormEvent, ...args: A) => Promise<R | undefined>;
  /** True while the latest run is on its way. */
  busy: boolean;
  /** What the latest run threw; null when it did not (or has not finished). */
  error: unknown;
  /** True once the latest run succeeded, until the next one starts. */
  done: boolean;
  /** Back to idle; a run still on its way is forgotten. */
  reset: () => void;
}

/**
 * One action's busy / error / done state. Each run clears the last outcome; only the latest run's
 * outcome is kept (an older one finishing later is ignored), and nothing is set after unmount.
 * `run` and `submit` are stable and always call the action of the latest render.
 */
export function useAction<A extends unknown[], R>(action: (...args: A) => Promise<R>): Action<A, R> {
  const [state, setState] = useState<ActionState>(IDLE);
  const latest = useRef(action);
  latest.current = action;
  const generation = useRef(0);
  const mounted = useRef(false);
  useEffect(() => {
    // Set in the effect, not at creation: StrictMode unmounts and mounts again in development.
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const run = useCallback(async (...args: A): Promise<R | undefined> => {
    const mine = ++generation.current;
    const current = () => mounted.current && mine === generation.current;
    setState({ busy: true, error: null, done: false });
    try {
      const result = await latest.current(...args);
      if (current()) setState({ busy: false, error: null, done: true });
      return result;
    } catch (failure) {
      if (current()) setState({ busy: false, error: failure, done: false });
      return undefined;
    }
  }, []);

  const submit = useCallback(
    (event: FormEvent, ...args: A) => {
      event.preventDefault();
      return run(...args);
    },
    [run],
  );

  const reset = useCallback(() => {
    generation.current += 1;
    setState(IDLE);
  }, []);

  return { run, submit, reset, ...state };
}
