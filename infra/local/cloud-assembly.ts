import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildPreClearanceApp } from '../pre-clearance-app.ts';

/**
 * Synthesizes the CDK app exactly as `cdk synth` does (same app builder, same cdk.json context, the
 * same esbuild bundles) and reads back what it emitted. Everything the harness runs comes from here.
 */
export interface SynthOptions {
  /** Where to write the cloud assembly; `cdk.out` by default, like the CLI. */
  readonly outdir: string;
  /** Context on top of cdk.json's, e.g. { arrivalTimeoutSeconds: 3 } for a test. */
  readonly context?: Record<string, unknown>;
}

export interface CfnTemplate {
  readonly Resources: Record<string, CfnResource>;
  readonly Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
}

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
}

export interface SynthesizedStack {
  readonly stackName: string;
  readonly template: CfnTemplate;
  /** Absolute path of the template file in the cloud assembly. */
  readonly templateFile: string;
}

export interface CloudAssembly {
  readonly outdir: string;
  readonly stacks: readonly SynthesizedStack[];
}

const PROJECT_ROOT = new URL('../../', import.meta.url);

export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(new URL('cdk.json', PROJECT_ROOT), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

export function synthesize(options: SynthOptions): CloudAssembly {
  const { app } = buildPreClearanceApp({
    outdir: options.outdir,
    context: {
      ...cdkJsonContext(),
      // The CLI sets this; the harness needs it to find each function's bundle in the assembly.
      'aws:cdk:enable-asset-metadata': true,
      ...options.context,
    },
  });
  const assembly = app.synth();
  return {
    outdir: assembly.directory,
    stacks: assembly.stacks.map((stack) => ({
      stackName: stack.stackName,
      templateFile: join(assembly.directory, stack.templateFile),
      template: JSON.parse(readFileSync(join(assembly.directory, stack.templateFile), 'utf8')) as CfnTemplate,
    })),
  };
}
