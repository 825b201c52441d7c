import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { synthesizeCached } from '../../infra/local/cloud-assembly.ts';

/**
 * Every function's bundle, as `cdk synth` emits it, stays within the footprint budget. Sizes are deterministic,
 * so they are asserted here; cold-start times are only printed, by `npm run bench`.
 */
const BUDGET_KIB = 250;

const assembly = await synthesizeCached();

interface FunctionResource {
  readonly Type: string;
  readonly Properties?: {
    readonly Principal?: unknown;
    readonly FunctionName?: unknown;
    readonly Environment?: { readonly Variables?: Record<string, unknown> };
  };
  readonly Metadata?: Record<string, unknown>;
}

const bundles = assembly.stacks.flatMap(({ template }) => {
  const resources = Object.entries(template.Resources) as [string, FunctionResource][];
  const invokedByApiGateway = new Set(
    resources
      .filter(([, r]) => r.Type === 'AWS::Lambda::Permission' && r.Properties?.Principal === 'apigateway.amazonaws.com')
      .map(
        ([, r]) => (r.Properties?.FunctionName as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt']?.[0],
      ),
  );
  return resources
    .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
    .map(([logicalId, r]) => ({
      logicalId,
      httpRoute: invokedByApiGateway.has(logicalId),
      file: join(assembly.outdir, String(r.Metadata?.['aws:asset:path']), 'index.mjs'),
    }));
});

describe(`function bundles (budget ${BUDGET_KIB} KiB each)`, () => {
  it('finds every function of the app with its bundle', () => {
    assert.ok(bundles.length >= 7, `only ${bundles.length} functions in the assembly`);
    assert.ok(
      bundles.some((b) => b.httpRoute),
      'the API routes are told apart by their API Gateway permission',
    );
  });

  for (const { logicalId, file } of bundles) {
    it(`${logicalId} fits in ${BUDGET_KIB} KiB`, () => {
      const kib = statSync(file).size / 1024;
      assert.ok(kib <= BUDGET_KIB, `${logicalId}: ${kib.toFixed(1)} KiB`);
    });
  }

  it('no function behind a route bundles the Step Functions client: they queue workflow commands', () => {
    for (const { logicalId, file } of bundles.filter((bundle) => bundle.httpRoute)) {
      assert.doesNotMatch(readFileSync(file, 'utf8'), /"SendTaskSuccess"|"StartExecution"|"StopExecution"/, logicalId);
    }
  });

  it('takes AWS credentials from the environment only, as Lambda provides them', () => {
    for (const { logicalId, file } of bundles) {
      const code = readFileSync(file, 'utf8');
      // A function that calls no AWS service (the public contract) bundles no SDK at all.
      if (!code.includes('@aws-sdk/')) continue;
      assert.match(code, /Unable to find environment variable credentials/, logicalId);
      assert.doesNotMatch(code, /defaultProvider::fromSSO|defaultProvider::fromIni/, logicalId);
    }
  });
});
