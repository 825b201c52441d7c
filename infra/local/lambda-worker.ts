import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';

/**
 * One Lambda execution environment: imports the function's bundle once (its cold start), then serves
 * invocations one at a time, like the Lambda runtime does. process.env is this worker's own copy.
 */
export interface WorkerInit {
  readonly codeFile: string;
  readonly exportName: string;
  readonly functionName: string;
  readonly functionArn: string;
  readonly memoryMb: number;
  readonly logGroupName: string;
  readonly maxResponseBytes: number;
}

/**
 * Events and results cross between threads as the JSON Lambda would carry: one string to copy, rather than a
 * structured clone of every object in them (which cost the harness's one thread more than the JSON does).
 */
export type WorkerRequest = { readonly id: number; readonly eventJson: string; readonly deadlineMs: number };
export type WorkerReply =
  | { readonly id: number; readonly ok: true; readonly resultJson: string }
  | { readonly id: number; readonly ok: false; readonly error: LambdaError };
export interface LambdaError {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace: string[];
}

const init = workerData as WorkerInit;
process.setSourceMapsEnabled(true);
const module = (await import(pathToFileURL(init.codeFile).href)) as Record<string, unknown>;
const handler = module[init.exportName];
if (typeof handler !== 'function') {
  throw new Error(`${init.codeFile} exports no function named ${init.exportName}`);
}

parentPort?.on('message', async (request: WorkerRequest) => {
  const context = {
    functionName: init.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: init.functionArn,
    memoryLimitInMB: String(init.memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: init.logGroupName,
    logStreamName: `local/${process.pid}`,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, request.deadlineMs - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
  let reply: WorkerReply;
  try {
    const event: unknown = JSON.parse(request.eventJson);
    const result = await (handler as (event: unknown, context: unknown) => unknown)(event, context);
    // Serialised as on AWS: only plain data survives, and the size that counts is the JSON's.
    const json = JSON.stringify(result) ?? 'null';
    reply =
      Buffer.byteLength(json) > init.maxResponseBytes
        ? {
            id: request.id,
            ok: false,
            error: {
              errorType: 'Function.ResponseSizeTooLarge',
              errorMessage: `Response payload size exceeded maximum allowed payload size (${init.maxResponseBytes} bytes).`,
              trace: [],
            },
          }
        : { id: request.id, ok: true, resultJson: json };
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    reply = {
      id: request.id,
      ok: false,
      error: { errorType: err.name, errorMessage: err.message, trace: (err.stack ?? '').split('\n') },
    };
  }
  parentPort?.postMessage(reply);
});
parentPort?.postMessage({ ready: true });
