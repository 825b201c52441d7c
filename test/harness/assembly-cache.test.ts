import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { synthesisKey, synthesizeCached } from '../../infra/local/cloud-assembly.ts';
import { publish } from '../../infra/local/harness-cache.ts';
import { LOCAL_CONTEXT, startLocalStack } from '../../infra/local/local-stack.ts';
import { LocalStackStartError } from '../../infra/local/start-errors.ts';

/**
 * A start reuses the cloud assembly synthesized from the same sources and context, and only that one: a changed
 * source, lock file or context is synthesized anew; two starts at once never see half an assembly; and what is
 * loaded from the cache meets the same start-up checks as a fresh synthesis.
 */
const scratch = mkdtempSync(join(tmpdir(), 'assembly-cache-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A project of a few files, laid out as this one, whose inputs a test may change. */
function smallProject(): string {
  const root = mkdtempSync(join(scratch, 'project-'));
  const files: Record<string, string> = {
    'infra/app.ts': 'app',
    'functions/handlers/file-declaration.ts': 'handler',
    'functions/generated/routes.ts': 'compiled by the synthesis',
    'infra/local/local-stack.ts': 'the harness',
    'package-lock.json': '{"lockfileVersion":3}',
    'cdk.json': '{}',
  };
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  return root;
}

describe('the cloud assembly cache', () => {
  it('reuses the assembly of the same sources and context at the second start', async () => {
    const first = await synthesizeCached({ context: LOCAL_CONTEXT });
    const second = await synthesizeCached({ context: LOCAL_CONTEXT });
    assert.equal(second.reused, true);
    assert.equal(second.outdir, first.outdir);
    assert.deepEqual(
      second.stacks.map((stack) => stack.template),
      first.stacks.map((stack) => stack.template),
    );
  });

  it('synthesizes anew when a source, the lock file or the context changed, not for the harness or what the synthesis writes', () => {
    const root = smallProject();
    const before = synthesisKey({}, root);
    assert.equal(synthesisKey({}, root), before, 'the same inputs give the same key');

    writeFileSync(join(root, 'functions/generated/routes.ts'), 'compiled again');
    assert.equal(synthesisKey({}, root), before, 'functions/generated is written by the synthesis, not read');
    writeFileSync(join(root, 'infra/local/local-stack.ts'), 'the harness, changed');
    assert.equal(synthesisKey({}, root), before, 'the harness reads the assembly, the synthesis does not read it');

    writeFileSync(join(root, 'functions/handlers/file-declaration.ts'), 'handler, changed');
    const afterSourceChange = synthesisKey({}, root);
    assert.notEqual(afterSourceChange, before, 'a changed handler');

    writeFileSync(join(root, 'infra/new-construct.ts'), 'construct');
    const afterNewFile = synthesisKey({}, root);
    assert.notEqual(afterNewFile, afterSourceChange, 'a new file of the app');

    writeFileSync(join(root, 'package-lock.json'), '{"lockfileVersion":3,"packages":{}}');
    const afterLockChange = synthesisKey({}, root);
    assert.notEqual(afterLockChange, afterNewFile, 'another dependency');

    assert.notEqual(synthesisKey({ arrivalTimeoutSeconds: 2 }, root), afterLockChange, 'another context');
    assert.equal(
      synthesisKey({ a: 1, b: { c: 2, d: 3 } }, root),
      synthesisKey({ b: { d: 3, c: 2 }, a: 1 }, root),
      'the same context written in another order',
    );
  });

  it('keeps the assembly renamed into place first when two starts synthesized the same inputs at once', () => {
    const cache = mkdtempSync(join(scratch, 'cache-'));
    const entry = join(cache, 'entry');
    const firstStaging = join(cache, 'staging-first');
    const secondStaging = join(cache, 'staging-second');
    for (const [staging, text] of [
      [firstStaging, 'first'],
      [secondStaging, 'second'],
    ] as const) {
      mkdirSync(staging);
      writeFileSync(join(staging, 'manifest.json'), text);
    }
    publish(firstStaging, entry);
    publish(secondStaging, entry);
    assert.equal(readFileSync(join(entry, 'manifest.json'), 'utf8'), 'first');
    assert.equal(existsSync(secondStaging), false, 'the second synthesis is dropped');
  });

  it('waits for another start synthesizing the same inputs, then reuses its assembly rather than synthesizing too', async () => {
    const genuine = await synthesizeCached({ context: LOCAL_CONTEXT });
    const cache = mkdtempSync(join(scratch, 'cache-'));
    const entry = join(cache, basename(genuine.outdir));
    // Another start (a living process: this one) holds the lock of these inputs.
    const lock = `${entry}.lock`;
    mkdirSync(lock);
    writeFileSync(join(lock, 'pid'), String(process.pid));

    const waiting = synthesizeCached({ context: LOCAL_CONTEXT, cacheDirectory: cache });
    await new Promise((resolve) => setTimeout(resolve, 600));
    cpSync(genuine.outdir, entry, { recursive: true });
    rmSync(lock, { recursive: true });

    const assembly = await waiting;
    assert.equal(assembly.reused, true);
    assert.equal(assembly.outdir, entry);
  });

  it('refuses at start-up a cached state machine the local runner cannot run, as it refuses a fresh one', async () => {
    const genuine = await synthesizeCached({ context: LOCAL_CONTEXT });
    const cache = mkdtempSync(join(scratch, 'cache-'));
    const tampered = join(cache, basename(genuine.outdir));
    cpSync(genuine.outdir, tampered, { recursive: true });
    const stateless = genuine.stacks.find((stack) => stack.stackName.endsWith('-Stateless'));
    assert.ok(stateless);
    const templateFile = join(tampered, basename(stateless.templateFile));
    writeFileSync(
      templateFile,
      readFileSync(templateFile, 'utf8').replaceAll(
        '{\\"StartAt\\":',
        '{\\"QueryLanguage\\":\\"JSONata\\",\\"StartAt\\":',
      ),
    );

    await assert.rejects(
      startLocalStack({ assemblyCache: cache, lambdaLogs: 'discard' }),
      (error) =>
        error instanceof LocalStackStartError &&
        /cannot run locally/.test(error.message) &&
        /QueryLanguage JSONata/.test(error.message),
    );
  });
});
