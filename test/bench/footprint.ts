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

export interface Footprints {
  /** The harness's own share of every cold start: an environment whose bundle is a one-line handler. */
  readonly workerStart: ColdStarts;
  readonly functions: readonly FunctionFootprint[];
}

const silent = new Writable({ write: (_chunk, _encoding, done) => done() });

export const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/**
 * One cold start, as the harness measures it (worker start + import of the bundle). An environment only starts
 * on an invocation; the probe event answers fast (an unknown declaration, or a request without a caller) and
 * writes nothing. Its answer is not the point.
 */
async function coldStart(spec: LocalFunctionSpec): Promise<number> {
  const probe = { declarationId: 'DCL-COLD-START-PROBE', taskToken: 'probe', headers: {}, requestContext: {} };
  const fn = new LocalFunction(spec, silent, 1);
  try {
    await fn.invoke(probe).catch(() => undefined);
    const [initMs] = fn.invocationStats.initDurationsMs;
    if (initMs === undefined) throw new Error(`${spec.logicalId} did not start`);
    return initMs;
  } finally {
    await fn.stop();
  }
}

function noOpFunction(): LocalFunctionSpec {
  const codeFile = join(mkdtempSync(join(tmpdir(), 'noop-bundle-')), 'index.mjs');
  writeFileSync(codeFile, 'export const handler = async () => null;\n');
  return {
    logicalId: 'NoOp',
    functionName: 'noop',
    functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:noop',
    codeFile,
    exportName: 'handler',
    timeoutSeconds: 3,
    memoryMb: 512,
    environment: {},
  };
}

/**
 * `rounds` cold starts of every function and of a one-line bundle, one environment at a time. Each round starts
 * every function once, so a burst of load from elsewhere on the machine falls on all of them alike.
 */
export async function measureFootprints(specs: readonly LocalFunctionSpec[], rounds: number): Promise<Footprints> {
  const noOp = noOpFunction();
  const samples = new Map<LocalFunctionSpec, number[]>([noOp, ...specs].map((spec) => [spec, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [spec, initMs] of samples) initMs.push(await coldStart(spec));
  }
  const coldStarts = (spec: LocalFunctionSpec): ColdStarts => {
    const initMs = samples.get(spec) ?? [];
    return { initMs, p50Ms: median(initMs) };
  };
  return {
    workerStart: coldStarts(noOp),
    functions: specs.map((spec) => ({
      logicalId: spec.logicalId,
      bundleKiB: statSync(spec.codeFile).size / 1024,
      coldStarts: coldStarts(spec),
    })),
  };
}
