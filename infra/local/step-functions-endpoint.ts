import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type LocalStepFunctions, StepFunctionsError } from './step-functions.ts';

/**
 * The Step Functions API over HTTP, in the AWS JSON 1.0 protocol (POST /, X-Amz-Target:
 * AWSStepFunctions.<Operation>), so the unchanged SDK client and `aws stepfunctions --endpoint-url` work.
 * Signatures are not checked: any credentials will do locally.
 */
const OPERATIONS = {
  StartExecution: (sfn: LocalStepFunctions, body: never) => sfn.startExecution(body),
  DescribeExecution: (sfn: LocalStepFunctions, body: never) => sfn.describeExecution(body),
  ListExecutions: (sfn: LocalStepFunctions, body: never) => sfn.listExecutions(body),
  GetExecutionHistory: (sfn: LocalStepFunctions, body: never) => sfn.getExecutionHistory(body),
  StopExecution: (sfn: LocalStepFunctions, body: never) => sfn.stopExecution(body),
  SendTaskSuccess: (sfn: LocalStepFunctions, body: never) => sfn.sendTaskSuccess(body),
  SendTaskFailure: (sfn: LocalStepFunctions, body: never) => sfn.sendTaskFailure(body),
  SendTaskHeartbeat: (sfn: LocalStepFunctions, body: never) => sfn.sendTaskHeartbeat(body),
  DescribeStateMachine: (sfn: LocalStepFunctions, body: never) => sfn.describeStateMachine(body),
  ListStateMachines: (sfn: LocalStepFunctions, body: never) => sfn.listStateMachines(body),
} as const;

export function stepFunctionsEndpoint(sfn: LocalStepFunctions): Server {
  return createServer(async (request, response) => {
    const requestId = randomUUID();
    const answer = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': requestId });
      response.end(JSON.stringify(body));
    };
    try {
      const target = String(request.headers['x-amz-target'] ?? '');
      const operation = target.startsWith('AWSStepFunctions.') ? target.slice('AWSStepFunctions.'.length) : '';
      if (!Object.hasOwn(OPERATIONS, operation)) {
        return answer(400, { __type: 'UnknownOperationException', message: `unsupported operation ${target}` });
      }
      const body = JSON.parse((await readBody(request)) || '{}') as never;
      const result = OPERATIONS[operation as keyof typeof OPERATIONS](sfn, body);
      return answer(200, toWire(result));
    } catch (error) {
      if (error instanceof StepFunctionsError) return answer(400, { __type: error.name, message: error.message });
      if (error instanceof SyntaxError)
        return answer(400, { __type: 'SerializationException', message: error.message });
      return answer(500, { __type: 'InternalFailure', message: (error as Error).message });
    }
  });
}

/** Dates become epoch seconds, as the JSON protocol's timestamp format requires. */
function toWire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toWire(v)]));
  }
  return value;
}

export function readBody(request: IncomingMessage, limitBytes = 10 * 1024 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        reject(new Error('request body too large'));
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
