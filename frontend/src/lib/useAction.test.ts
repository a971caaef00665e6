import { act, cleanup, renderHook } from "@testing-library/react";
import type { FormEvent } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { useAction } from "./useAction";

afterEach(cleanup);

/** A promise the test settles by hand. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

/** A hook whose action is started twice before either run settles; the test settles `runs[0]` and `runs[1]`. */
function twoOverlappingRuns() {
  const runs = [deferred<string>(), deferred<string>()];
  let call = 0;
  const { result } = renderHook(() => useAction(() => runs[call++]!.promise));
  act(() => {
    void result.current.run();
    void result.current.run();
  });
  return { runs, result };
}

describe("useAction", () => {
  it("says done and hands back the result on success", async () => {
    const { result } = renderHook(() => useAction(async (a: number, b: number) => a + b));
    expect([result.current.busy, result.current.error, result.current.done]).toEqual([false, null, false]);
    let value: number | undefined;
    await act(async () => {
      value = await result.current.run(2, 3);
    });
    expect(value).toBe(5);
    expect([result.current.busy, result.current.error, result.current.done]).toEqual([false, null, true]);
  });

  it("keeps what was thrown, is no longer busy, and resolves with undefined", async () => {
    const failure = new Error("no");
    const { result } = renderHook(() =>
      useAction(async () => {
        throw failure;
      }),
    );
    let value: unknown = "unset";
    await act(async () => {
      value = await result.current.run();
    });
    expect(value).toBeUndefined();
    expect([result.current.busy, result.current.error, result.current.done]).toEqual([false, failure, false]);
  });

  it("is busy while the action is on its way", async () => {
    const pending = deferred<string>();
    const { result } = renderHook(() => useAction(() => pending.promise));
    let running!: Promise<string | undefined>;
    act(() => {
      running = result.current.run();
    });
    expect(result.current.busy).toBe(true);
    await act(async () => {
      pending.resolve("ok");
      await running;
    });
    expect([result.current.busy, result.current.done]).toEqual([false, true]);
  });

  it("clears the last error (and done) when a new run starts", async () => {
    let outcome = deferred<void>();
    const { result } = renderHook(() => useAction(() => outcome.promise));
    await act(async () => {
      const running = result.current.run();
      outcome.reject(new Error("first"));
      await running;
    });
    expect(result.current.error).toBeInstanceOf(Error);

    outcome = deferred<void>();
    act(() => void result.current.run());
    expect([result.current.busy, result.current.error, result.current.done]).toEqual([true, null, false]);
    await act(async () => outcome.resolve());
    expect([result.current.busy, result.current.error, result.current.done]).toEqual([false, null, true]);
  });

  it("sets nothing (and says nothing) when the outcome arrives after unmount", async () => {
    const errors = vi.spyOn(console, "error");
    const success = deferred<string>();
    const failure = deferred<string>();
    const first = renderHook(() => useAction(() => success.promise));
    const second = renderHook(() => useAction(() => failure.promise));
    let results: Promise<(string | undefined)[]> = Promise.resolve([]);
    act(() => {
      results = Promise.all([first.result.current.run(), second.result.current.run()]);
    });
    first.unmount();
    second.unmount();
    await act(async () => {
      success.resolve("late");
      failure.reject(new Error("late"));
    });
    await expect(results).resolves.toEqual(["late", undefined]);
    expect(errors).not.toHaveBeenCalled();
  });

  it("keeps the latest run's outcome when an older run finishes after it", async () => {
    const { runs, result } = twoOverlappingRuns();
    await act(async () => runs[1]!.resolve("newer"));
    expect([result.current.busy, result.current.done]).toEqual([false, true]);
    await act(async () => runs[0]!.reject(new Error("older")));
    expect([result.current.busy, result.current.error, result.current.done]).toEqual([false, null, true]);
  });

  it("stays busy when an older run finishes while the latest is still on its way", async () => {
    const { runs, result } = twoOverlappingRuns();
    await act(async () => runs[0]!.resolve("older"));
    expect([result.current.busy, result.current.done]).toEqual([true, false]);
    await act(async () => runs[1]!.reject(new Error("newer")));
    expect([result.current.busy, result.current.done]).toEqual([false, false]);
    expect(result.current.error).toEqual(new Error("newer"));
  });

  it("calls the action of the latest render, through a stable run", async () => {
    const seen: string[] = [];
    const { result, rerender } = renderHook(({ name }) => useAction(async () => void seen.push(name)), {
      initialProps: { name: "first" },
    });
    const run = result.current.run;
    rerender({ name: "second" });
    expect(result.current.run).toBe(run);
    await act(async () => void (await run()));
    expect(seen).toEqual(["second"]);
  });

  it("submit stops the browser's own submit, then runs", async () => {
    const action = vi.fn(async (word: string) => word);
    const { result } = renderHook(() => useAction(action));
    const event = { preventDefault: vi.fn() } as unknown as FormEvent;
    let value: string | undefined;
    await act(async () => {
      value = await result.current.submit(event, "hi");
    });
    expect(event.preventDefault).toHaveBeenCalledOnce();
    expect(action).toHaveBeenCalledWith("hi");
    expect([value, result.current.done]).toEqual(["hi", true]);
  });

  it("reset goes back to idle and forgets a run still on its way", async () => {
    const pending = deferred<string>();
    const { result } = renderHook(() => useAction(() => pending.promise));
    act(() => void result.current.run());
    act(() => result.current.reset());
    expect([result.current.busy, result.current.error, result.current.done]).toEqual([false, null, false]);
    await act(async () => pending.reject(new Error("late")));
    expect([result.current.busy, result.current.error, result.current.done]).toEqual([false, null, false]);
  });
});
