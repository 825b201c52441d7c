import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { LocalFunction, type LocalFunctionSpec } from '../../infra/local/lambda-runtime.ts';

/** The budget for every function: bundle size and local cold start (p50). */
export const FOOTPRINT_TARGETS = { bundleKiB: 250, initMs: 100 } as const;

export interface ColdStarts {
  readonly initMs: readonly number[];
  readonly p50Ms: number;
}

export interface FunctionFootprint {
  readonly logicalId: string;
  readonly bundleKiB: number;
  readonly coldStarts: ColdStarts;
}

const silent = new Writable({ write: (_chunk, _encoding, done) => done() });

export const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/**
 * Starts a fresh execution environment `times` times, one after another, and keeps the harness's own init figure
 * (worker start + import of the bundle). An environment only starts on an invocation; the event answers fast
 * (an unknown declaration, or a request without a caller) and writes nothing. Its answer is not the point.
 */
export async function coldStarts(spec: LocalFunctionSpec, times: number): Promise<ColdStarts> {
  const event = {
    declarationId: 'DCL-COLD-START-PROBE',
    taskToken: 'cold-start-probe',
    headers: {},
    requestContext: {},
  };
  const initMs: number[] = [];
  for (let i = 0; i < times; i++) {
    const fn = new LocalFunction(spec, silent, 1);
    try {
      await fn.invoke(event).catch(() => undefined);
      const [init] = fn.invocationStats.initDurationsMs;
      if (init !== undefined) initMs.push(init);
    } finally {
      await fn.stop();
    }
  }
  return { initMs, p50Ms: median(initMs) };
}

/** The harness's share of every cold start: an environment whose bundle is a one-line handler. */
export async function workerOverhead(times: number): Promise<ColdStarts> {
  const codeFile = join(mkdtempSync(join(tmpdir(), 'noop-bundle-')), 'index.mjs');
  writeFileSync(codeFile, 'export const handler = async () => null;\n');
  return coldStarts(
    {
      logicalId: 'NoOp',
      functionName: 'noop',
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:noop',
      codeFile,
      exportName: 'handler',
      timeoutSeconds: 3,
      memoryMb: 512,
      environment: {},
    },
    times,
  );
}

export async function functionFootprint(spec: LocalFunctionSpec, times: number): Promise<FunctionFootprint> {
  return {
    logicalId: spec.logicalId,
    bundleKiB: statSync(spec.codeFile).size / 1024,
    coldStarts: await coldStarts(spec, times),
  };
}
