import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CloudAssembly as CdkCloudAssembly } from 'aws-cdk-lib/cx-api';
import { HARNESS_CACHE_DIRECTORY, publish } from './harness-cache.ts';

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

function synthesisContext(context: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...cdkJsonContext(),
    // The CLI sets this; the harness needs it to find each function's bundle in the assembly.
    'aws:cdk:enable-asset-metadata': true,
    ...context,
  };
}

export async function synthesize(options: SynthOptions): Promise<CloudAssembly> {
  // Loaded only to synthesize: the CDK app's modules take seconds to load, which a cached assembly does not need.
  const { buildPreClearanceApp } = await import('../pre-clearance-app.ts');
  const { app } = buildPreClearanceApp({ outdir: options.outdir, context: synthesisContext(options.context) });
  return readCloudAssembly(app.synth().directory);
}

/** The stacks of a cloud assembly on disk, read with the CDK's own reader (as the CLI reads `cdk.out`). */
export function readCloudAssembly(directory: string): CloudAssembly {
  const assembly = new CdkCloudAssembly(directory);
  return {
    outdir: assembly.directory,
    stacks: assembly.stacks.map((stack) => ({
      stackName: stack.stackName,
      templateFile: join(assembly.directory, stack.templateFile),
      template: JSON.parse(readFileSync(join(assembly.directory, stack.templateFile), 'utf8')) as CfnTemplate,
    })),
  };
}

// ——— the assembly cache ———————————————————————————————————————————————————————————————————————————————————

export const ASSEMBLY_CACHE_DIRECTORY = join(HARNESS_CACHE_DIRECTORY, 'assemblies');

/**
 * Everything a synthesis reads besides its context: the app, the functions it bundles, the dependencies (through
 * the lock file) and the settings of the package, the CDK and esbuild (tsconfig). Not inputs: functions/generated,
 * which the synthesis writes from the route registry (an input), and the harness (infra/local), which reads the
 * assembly but is not part of the app.
 */
const SYNTHESIS_INPUTS = ['infra', 'functions', 'package.json', 'package-lock.json', 'cdk.json', 'tsconfig.json'];
const NOT_SYNTHESIS_INPUTS = ['functions/generated/', 'infra/local/'];

/** An entry nobody started a stack on for this long is deleted by the next synthesis. */
const UNUSED_ENTRY_LIFETIME_MS = 24 * 3_600_000;

export interface CachedSynthOptions {
  /** Context on top of cdk.json's. */
  readonly context?: Record<string, unknown>;
  /** Where the assemblies are kept; ASSEMBLY_CACHE_DIRECTORY unless a test wants its own. */
  readonly cacheDirectory?: string;
}

export interface CachedCloudAssembly extends CloudAssembly {
  /** Whether an assembly synthesized earlier from the same inputs was reused. */
  readonly reused: boolean;
  /** Marks the assembly as in use, so that no other start prunes it while a stack runs its bundles. */
  touch(): void;
}

/**
 * The content hash of a synthesis's inputs: every input file's path and bytes, the whole context, and the
 * environment variables the CDK reads (CDK_*).
 */
export function synthesisKey(context: Record<string, unknown> = {}, root = fileURLToPath(PROJECT_ROOT)): string {
  const hash = createHash('sha256');
  for (const file of inputFiles(root)) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(join(root, file)));
    hash.update('\0');
  }
  hash.update(canonicalJson(synthesisContext(context)));
  const cdkEnvironment = Object.entries(process.env).filter(([name]) => name.startsWith('CDK_'));
  hash.update(canonicalJson(Object.fromEntries(cdkEnvironment)));
  return hash.digest('hex').slice(0, 32);
}

function inputFiles(root: string): string[] {
  return SYNTHESIS_INPUTS.flatMap((input) => {
    const path = join(root, input);
    if (!existsSync(path)) return [];
    if (!statSync(path).isDirectory()) return [input];
    return readdirSync(path, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => relative(root, join(entry.parentPath, entry.name)).split('\\').join('/'))
      .filter((file) => !NOT_SYNTHESIS_INPUTS.some((skipped) => file.startsWith(skipped)));
  }).sort();
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => a.localeCompare(b)))
      : inner,
  );
}

/**
 * The cloud assembly of these inputs: the one synthesized earlier if the inputs are byte for byte the same, else
 * a fresh synthesis, kept for the next start. A synthesis writes into a directory of its own and is renamed into
 * place whole, so two starts at once never see half an assembly (the loser of the rename uses the winner's).
 * Inputs that changed while synthesizing are not kept: the assembly may hold a mix of both versions.
 * What is loaded is checked the same way either way: the harness reads the templates, definitions and bundles
 * from the directory, cached or not.
 */
export async function synthesizeCached(options: CachedSynthOptions = {}): Promise<CachedCloudAssembly> {
  const cache = options.cacheDirectory ?? ASSEMBLY_CACHE_DIRECTORY;
  const key = synthesisKey(options.context);
  const entry = join(cache, key);
  if (existsSync(join(entry, 'manifest.json'))) return cached(entry, true);

  mkdirSync(cache, { recursive: true });
  const lock = await lockSynthesis(join(cache, `${key}.lock`));
  try {
    // Synthesized by the start that held the lock before this one.
    if (existsSync(join(entry, 'manifest.json'))) return cached(entry, true);
    pruneUnused(cache);
    const staging = join(cache, `staging-${randomUUID()}`);
    try {
      await synthesize({ outdir: staging, ...(options.context === undefined ? {} : { context: options.context }) });
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      throw error;
    }
    if (synthesisKey(options.context) !== key) return cached(staging, false);
    publish(staging, entry);
    return cached(entry, false);
  } finally {
    lock.release();
  }
}

/**
 * One synthesis of the same inputs at a time: a second start waits for the first's assembly rather than spending
 * the same CPU beside it (test files start their stacks two at a time). A lock whose holder has exited, or that is
 * older than any synthesis takes, is taken over; the rename in `publish` keeps even a mistaken takeover safe.
 */
async function lockSynthesis(lock: string): Promise<{ release(): void }> {
  const owner = join(lock, 'pid');
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(owner, String(process.pid));
      return { release: () => rmSync(lock, { recursive: true, force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (lockIsAbandoned(lock, owner)) rmSync(lock, { recursive: true, force: true });
    else await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const LONGEST_SYNTHESIS_MS = 10 * 60_000;

function lockIsAbandoned(lock: string, owner: string): boolean {
  try {
    if (Date.now() - statSync(lock).mtimeMs > LONGEST_SYNTHESIS_MS) return true;
    const pid = Number(readFileSync(owner, 'utf8'));
    process.kill(pid, 0);
    return false;
  } catch (error) {
    // No such process: its holder died. No pid file yet (or the lock just went): look again shortly.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function cached(directory: string, reused: boolean): CachedCloudAssembly {
  const touch = () => {
    const now = new Date();
    utimesSync(directory, now, now);
  };
  touch();
  return { ...readCloudAssembly(directory), reused, touch };
}

/** Entries (and stagings of interrupted syntheses) that no start has used for a day. */
function pruneUnused(cache: string): void {
  const cutoff = Date.now() - UNUSED_ENTRY_LIFETIME_MS;
  for (const name of readdirSync(cache)) {
    const path = join(cache, name);
    try {
      if (statSync(path).mtimeMs < cutoff) rmSync(path, { recursive: true, force: true });
    } catch {
      // Pruned by another start meanwhile.
    }
  }
}
