import type { AslMachine, AslState } from './asl-support.ts';
import { LocalStackStartError } from './start-errors.ts';

/**
 * The definition the local runner executes, derived from the one served by DescribeStateMachine (which
 * stays exactly as synthesized). Time is a harness concern:
 *
 * - LOCAL_TIME_SCALE=3600 makes an hour of workflow time pass in a second: Wait `Seconds`, the
 *   `TimeoutSeconds` of a task waiting for a callback (.waitForTaskToken), Retry intervals (and their MaxDelaySeconds) and the execution's `TimeoutSeconds` are
 *   divided by the scale. Business times come from events and are not touched.
 * - LOCAL_TIME_SCALE=0 stands workflow time still: no Wait `Seconds`, callback timeout (fixed or read from the
 *   input) or execution timeout fires, while retries back off in real time and a Wait until a timestamp still
 *   ends at that instant. For a replay of a past business day through the workflows (`npm run twin`): its
 *   deadlines, already past by the clock, must not fire at once; the day's own times judge them instead.
 * - A task without TimeoutSeconds gets AWS's default (99999999 s) instead of the runner's own 60 s.
 * - The runner arms each of these with one setTimeout, which fires at once past 2^31-1 ms (~24.8 days):
 *   each is capped there (a wait or task timeout longer than that ends after ~24.8 days locally). The
 *   execution timeout is exact at any length: the harness arms it itself with chained timers.
 */
export const AWS_DEFAULT_TASK_TIMEOUT_SECONDS = 99_999_999;

/**
 * Where the runnable copy carries a task's TimeoutSecondsPath. The runner would resolve that path against the
 * task's parameters rather than its state input (as AWS does) and could not scale it; so the path moves into the
 * parameters under this name, where the runner resolves it against the state input, and the harness's task
 * handler takes it out again and arms the (scaled) timeout itself.
 */
export const DYNAMIC_TIMEOUT_PARAMETER = 'harness:TimeoutSeconds';
/** The longest delay one setTimeout can wait. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
const MAX_TIMER_SECONDS = MAX_TIMER_MS / 1000;

export function parseTimeScale(value: string | undefined): number {
  if (value === undefined || value === '') return 1;
  const scale = Number(value);
  if (!Number.isFinite(scale) || scale < 0) {
    throw new LocalStackStartError(
      `LOCAL_TIME_SCALE must be a positive number (3600: an hour passes in a second) or 0 (workflow time stands still); got "${value}"`,
    );
  }
  return scale;
}

/**
 * The runnable copy of a definition at a time scale. Its execution timeout is left out: the runner would
 * arm it with one setTimeout, so the harness arms it instead (see executionTimeoutMs and setLongTimeout).
 */
export function runnableDefinition(machine: AslMachine, timeScale: number): AslMachine {
  const { TimeoutSeconds: _armedByTheHarness, ...rest } = machine;
  return scaleMachine(rest, timeScale);
}

/** The execution's timeout at a time scale, in milliseconds; undefined when the definition sets none. */
export function executionTimeoutMs(machine: AslMachine, timeScale: number): number | undefined {
  return machine.TimeoutSeconds === undefined || timeScale === 0
    ? undefined
    : (machine.TimeoutSeconds * 1000) / timeScale;
}

/** A callback's timeout in real milliseconds at a time scale; undefined when workflow time stands still. */
export function callbackTimeoutMs(seconds: number, timeScale: number): number | undefined {
  return timeScale === 0 ? undefined : (seconds * 1000) / timeScale;
}

/**
 * setTimeout for any delay: Node fires a delay over 2^31-1 ms (~24.8 days) at once, so a longer one is
 * waited for in several timers, each re-armed for what is left.
 */
export function setLongTimeout(delayMs: number, callback: () => void): { clear(): void } {
  const deadline = Date.now() + delayMs;
  let timer: NodeJS.Timeout;
  const arm = () => {
    const left = deadline - Date.now();
    timer = left > MAX_TIMER_MS ? setTimeout(arm, MAX_TIMER_MS) : setTimeout(callback, Math.max(0, left));
  };
  arm();
  return { clear: () => clearTimeout(timer) };
}

function scaleMachine(machine: AslMachine, timeScale: number): AslMachine {
  // Time standing still: the longest wait one timer can arm (~24.8 days), as good as never for a replay.
  const seconds = (value: number) =>
    timeScale === 0 ? MAX_TIMER_SECONDS : Math.min(value / timeScale, MAX_TIMER_SECONDS);
  // A retry's backoff is the machinery's, not the port's: at a standstill it runs in real time.
  const retrySeconds = (value: number) => Math.min(value / (timeScale === 0 ? 1 : timeScale), MAX_TIMER_SECONDS);
  return {
    ...machine,
    States: Object.fromEntries(
      Object.entries(machine.States).map(([name, state]): [string, AslState] => {
        const scaled: Record<string, unknown> = { ...state };
        if (state.Type === 'Wait' && typeof state.Seconds === 'number' && state.Seconds > 0)
          scaled.Seconds = seconds(state.Seconds);
        // A callback's timeout is workflow time (it waits for the port, an officer); a synchronous task's bounds
        // a function that runs in real time whatever the scale, so it is not divided (else it would time out).
        const waitsForCallback = String(state.Resource).endsWith('.waitForTaskToken');
        const timeout =
          typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds : AWS_DEFAULT_TASK_TIMEOUT_SECONDS;
        if (state.Type === 'Task' && state.TimeoutSecondsPath === undefined)
          scaled.TimeoutSeconds = waitsForCallback ? seconds(timeout) : Math.min(timeout, MAX_TIMER_SECONDS);
        if (state.Type === 'Task' && typeof state.TimeoutSecondsPath === 'string') {
          delete scaled.TimeoutSecondsPath;
          scaled.TimeoutSeconds = seconds(AWS_DEFAULT_TASK_TIMEOUT_SECONDS);
          scaled.Parameters = { ...state.Parameters, [`${DYNAMIC_TIMEOUT_PARAMETER}.$`]: state.TimeoutSecondsPath };
        }
        if (Array.isArray(state.Retry)) {
          scaled.Retry = (state.Retry as Record<string, unknown>[]).map((retrier) => ({
            ...retrier,
            // The runner's own default interval is AWS's (1 s): written out so that it scales too.
            IntervalSeconds: retrySeconds(typeof retrier.IntervalSeconds === 'number' ? retrier.IntervalSeconds : 1),
            // Capped even when absent: a long backoff would otherwise overflow the runner's timer.
            MaxDelaySeconds: retrySeconds(
              typeof retrier.MaxDelaySeconds === 'number' ? retrier.MaxDelaySeconds : Infinity,
            ),
          }));
        }
        if (state.Branches !== undefined) scaled.Branches = state.Branches.map((b) => scaleMachine(b, timeScale));
        if (state.ItemProcessor !== undefined) scaled.ItemProcessor = scaleMachine(state.ItemProcessor, timeScale);
        if (state.Iterator !== undefined) scaled.Iterator = scaleMachine(state.Iterator, timeScale);
        return [name, scaled as AslState];
      }),
    ),
  };
}
