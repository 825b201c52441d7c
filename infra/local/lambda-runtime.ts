import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { transformSync } from 'esbuild';
import type { LambdaError, WorkerInit, WorkerReply, WorkerRequest } from './lambda-worker.ts';

/** A function as the template defines it, with its environment already resolved to local values. */
export interface LocalFunctionSpec {
  readonly logicalId: string;
  readonly functionName: string;
  readonly functionArn: string;
  readonly codeFile: string;
  readonly exportName: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly environment: Readonly<Record<string, string>>;
}

/**
 * Lambda's synchronous payload limits, in bytes of JSON: a request over the first is refused by the Invoke
 * API itself (the function never runs); a response over the second becomes a function error.
 */
export const MAX_INVOKE_REQUEST_BYTES = 6 * 1024 * 1024;
export const MAX_INVOKE_RESPONSE_BYTES = 6 * 1024 * 1024 + 100;

export class LambdaInvocationError extends Error {
  readonly error: LambdaError;
  constructor(error: LambdaError) {
    super(error.errorMessage);
    this.name = error.errorType;
    this.error = error;
  }
}

export interface InvocationStats {
  readonly coldStarts: number;
  readonly invocations: number;
  readonly initDurationsMs: number[];
  /** Milliseconds the invocations ran in an environment (Lambda's Duration), cold starts excluded, summed. */
  readonly durationMs: number;
  /** Milliseconds the invocations waited for an environment (a cold start, or a busy pool), summed. */
  readonly queuedMs: number;
}

/**
 * Execution environments per function. Lambda scales out; one machine cannot: each environment is a V8
 * isolate that costs ~0.3 s of CPU to start, so beyond a few per function requests queue instead.
 */
const DEFAULT_MAX_CONCURRENCY = Number(process.env.LOCAL_LAMBDA_CONCURRENCY ?? 2);

const WORKER_SOURCE = new URL('./lambda-worker.ts', import.meta.url);
let workerScript: URL | undefined;

/**
 * The execution environment's bootstrap as JavaScript, compiled once per process. Started from the .ts file,
 * every worker would first load Node's TypeScript stripper into its fresh isolate, ~20 ms of each cold start
 * that Lambda's JavaScript bootstrap does not spend. A data: URL needs no file (the bootstrap imports only Node's
 * built-in modules); its stack frames name `lambda-worker.ts?compiled`, with the compiled code's line numbers.
 */
function workerScriptUrl(): URL {
  if (workerScript === undefined) {
    const { code } = transformSync(readFileSync(WORKER_SOURCE, 'utf8'), { loader: 'ts', format: 'esm' });
    workerScript = new URL(
      `data:text/javascript,${encodeURIComponent(`${code}//# sourceURL=${WORKER_SOURCE.href}?compiled\n`)}`,
    );
  }
  return workerScript;
}

interface Environment {
  readonly worker: Worker;
  busy: boolean;
}

/**
 * Runs one function's synthesized bundle the way Lambda would: a pool of isolated execution environments
 * (worker threads), each with its own process.env and module state, reused while warm, and a hard timeout.
 */
export class LocalFunction {
  readonly spec: LocalFunctionSpec;
  private readonly environments: Environment[] = [];
  private readonly waiting: { resolve: (environment: Environment) => void; reject: (error: Error) => void }[] = [];
  private readonly logSink: Writable;
  private readonly maxConcurrency: number;
  private nextId = 1;
  private stopped = false;
  private starting = 0;
  private stats = { coldStarts: 0, invocations: 0, initDurationsMs: [] as number[], durationMs: 0, queuedMs: 0 };

  constructor(spec: LocalFunctionSpec, logSink: Writable, maxConcurrency = DEFAULT_MAX_CONCURRENCY) {
    this.spec = spec;
    this.logSink = logSink;
    this.maxConcurrency = maxConcurrency;
  }

  get invocationStats(): InvocationStats {
    return { ...this.stats, initDurationsMs: [...this.stats.initDurationsMs] };
  }

  async invoke(event: unknown): Promise<unknown> {
    if (this.stopped) throw new Error(`${this.spec.functionName}: the local stack has stopped`);
    // As Lambda takes it: JSON (undefined becomes null), no bigger than the Invoke API accepts.
    const eventJson = JSON.stringify(event) ?? 'null';
    if (Buffer.byteLength(eventJson) > MAX_INVOKE_REQUEST_BYTES) {
      throw new LambdaInvocationError({
        errorType: 'RequestEntityTooLargeException',
        errorMessage: `Request must be smaller than ${MAX_INVOKE_REQUEST_BYTES} bytes for the InvokeFunction operation`,
        trace: [],
      });
    }
    const queued = performance.now();
    const environment = await this.acquire();
    const running = performance.now();
    this.stats.queuedMs += running - queued;
    const id = this.nextId++;
    const deadlineMs = Date.now() + this.spec.timeoutSeconds * 1000;
    this.stats.invocations++;
    try {
      const reply = await new Promise<WorkerReply>((resolve, reject) => {
        // Like Lambda, a timed-out environment is thrown away rather than reused.
        const timer = setTimeout(
          () => failWith('Sandbox.Timedout', `Task timed out after ${this.spec.timeoutSeconds.toFixed(2)} seconds`),
          this.spec.timeoutSeconds * 1000,
        );
        const settle = () => {
          clearTimeout(timer);
          environment.worker.off('message', onMessage);
          environment.worker.off('error', onError);
          environment.worker.off('exit', onExit);
        };
        const onMessage = (message: WorkerReply) => {
          if (message.id !== id) return;
          settle();
          resolve(message);
        };
        const failWith = (errorType: string, errorMessage: string, trace: string[] = []) => {
          settle();
          this.discard(environment);
          reject(new LambdaInvocationError({ errorType, errorMessage, trace }));
        };
        const onError = (error: Error) => failWith('Runtime.ExitError', error.message, (error.stack ?? '').split('\n'));
        // A worker terminated mid-invocation (the stack is stopping) must not leave its caller waiting forever.
        const onExit = (code: number) =>
          failWith('Runtime.ExitError', `the execution environment exited (code ${code})`);
        environment.worker.on('message', onMessage);
        environment.worker.once('error', onError);
        environment.worker.once('exit', onExit);
        environment.worker.postMessage({ id, eventJson, deadlineMs } satisfies WorkerRequest);
      });
      if (!reply.ok) throw new LambdaInvocationError(reply.error);
      return JSON.parse(reply.resultJson) as unknown;
    } finally {
      this.stats.durationMs += performance.now() - running;
      this.release(environment);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const waiter of this.waiting.splice(0)) {
      waiter.reject(new Error(`${this.spec.functionName}: the local stack has stopped`));
    }
    await Promise.all(this.environments.splice(0).map((environment) => environment.worker.terminate()));
  }

  private async acquire(): Promise<Environment> {
    const idle = this.environments.find((environment) => !environment.busy);
    if (idle !== undefined) {
      idle.busy = true;
      return idle;
    }
    // Environments still starting count against the cap, or a burst would start one per request.
    if (this.environments.length + this.starting < this.maxConcurrency) {
      this.starting++;
      try {
        const worker = await this.coldStart();
        // The stack stopped while this environment was starting: nothing would ever terminate it.
        if (this.stopped) {
          await worker.terminate();
          throw new LambdaInvocationError({
            errorType: 'Runtime.ExitError',
            errorMessage: `${this.spec.functionName}: the local stack stopped during a cold start`,
            trace: [],
          });
        }
        const environment: Environment = { worker, busy: true };
        this.environments.push(environment);
        return environment;
      } finally {
        this.starting--;
      }
    }
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private release(environment: Environment): void {
    if (!this.environments.includes(environment)) return;
    const next = this.waiting.shift();
    if (next !== undefined) next.resolve(environment);
    else environment.busy = false;
  }

  private discard(environment: Environment): void {
    const index = this.environments.indexOf(environment);
    if (index >= 0) this.environments.splice(index, 1);
    void environment.worker.terminate();
    const next = this.waiting.shift();
    if (next !== undefined && !this.stopped) this.acquire().then(next.resolve, next.reject);
  }

  private async coldStart(): Promise<Worker> {
    const started = performance.now();
    const init: WorkerInit = {
      maxResponseBytes: MAX_INVOKE_RESPONSE_BYTES,
      codeFile: this.spec.codeFile,
      exportName: this.spec.exportName,
      functionName: this.spec.functionName,
      functionArn: this.spec.functionArn,
      memoryMb: this.spec.memoryMb,
      logGroupName: `/aws/lambda/${this.spec.functionName}`,
    };
    const worker = new Worker(workerScriptUrl(), {
      workerData: init,
      env: { ...this.spec.environment },
      stdout: true,
      stderr: true,
      resourceLimits: { maxOldGenerationSizeMb: this.spec.memoryMb },
    });
    // Forwarded chunk by chunk: piping dozens of workers into one stream would pile listeners onto it.
    const forward = (chunk: Buffer) => this.logSink.write(chunk);
    worker.stdout.on('data', forward);
    worker.stderr.on('data', forward);
    const [message] = (await Promise.race([
      once(worker, 'message'),
      once(worker, 'error').then(([error]) => {
        throw new Error(`${this.spec.functionName} failed to initialise: ${(error as Error).message}`);
      }),
    ])) as [{ ready?: boolean }];
    if (message.ready !== true) throw new Error(`${this.spec.functionName} sent an unexpected first message`);
    this.stats.coldStarts++;
    this.stats.initDurationsMs.push(performance.now() - started);
    worker.unref();
    return worker;
  }
}
