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

export type WorkerRequest = { readonly id: number; readonly event: unknown; readonly deadlineMs: number };
export type WorkerReply =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
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
    const result = await (handler as (event: unknown, context: unknown) => unknown)(request.event, context);
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
        : { id: request.id, ok: true, result: JSON.parse(json) };
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
