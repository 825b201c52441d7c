import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Progress } from './driver.ts';
import { writeReport } from './report.ts';
import { readTokens, runTwin, type TwinTarget } from './run.ts';
import type { TwinRunRecord } from './run-record.ts';
import { DEFAULT_SCENARIO, loadScenario, type Scenario, ScenarioError, scenarioFrom } from './scenario.ts';
import { summaryRows } from './summary.ts';

/**
 * `npm run twin -- [--scenario twin/scenarios/x.json] [--seed n] [--compare y.json] [--out dir]
 *                  [--api url --tokens file] [--officers people]`
 *
 * Runs a day of the port through the stack (a local one, started with the scenario's calendar, unless --api is
 * given), shows its progress on stderr, and writes `<out>/<scenario>.run.json` for each scenario run.
 */
const USAGE =
  'usage: npm run twin -- [--scenario file.json] [--seed n] [--compare other.json] [--out dir] [--api url --tokens tokens.json] [--officers simulated|people]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string' },
      seed: { type: 'string' },
      compare: { type: 'string' },
      out: { type: 'string', default: '.local/twin' },
      api: { type: 'string' },
      tokens: { type: 'string' },
      officers: { type: 'string', default: 'simulated' },
      concurrency: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if ((values.api === undefined) !== (values.tokens === undefined))
    throw new UsageError('--api and --tokens go together');
  if (values.officers !== 'simulated' && values.officers !== 'people')
    throw new UsageError('--officers is simulated or people');
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && (!Number.isInteger(seed) || seed < 0)) throw new UsageError('--seed is a whole number');

  const first = withSeed(
    values.scenario === undefined ? scenarioFrom({ ...DEFAULT_SCENARIO }) : loadScenario(values.scenario),
    seed,
  );
  // The comparison runs on the same seed and day: the same trains and trucks, another port.
  const scenarios = [first];
  if (values.compare !== undefined) {
    const other = loadScenario(values.compare);
    scenarios.push({ ...other, seed: first.seed, day: first.day });
  }
  const target: TwinTarget | undefined =
    values.api === undefined ? undefined : { apiUrl: values.api, tokens: readTokens(values.tokens as string) };

  const outDir = resolve(values.out);
  mkdirSync(outDir, { recursive: true });
  const records: TwinRunRecord[] = [];
  for (const scenario of scenarios) {
    process.stderr.write(
      `${scenario.name}: ${scenario.day} (${scenario.timeZone}), seed ${scenario.seed}, ${scenario.slots.freightHours}, ` +
        `${scenario.rail.trainsPerDay} trains, ${scenario.road.trucksPerDay} trucks, ${scenario.resources.cranes.count} cranes, ` +
        `${target === undefined ? 'a local stack' : target.apiUrl}\n`,
    );
    const bar = progressBar(scenario.name);
    const record = await runTwin({
      scenario,
      ...(target === undefined ? {} : { target }),
      officers: values.officers,
      onProgress: bar.update,
      onStall: (stuck) => process.stderr.write(`\nnothing moved for a minute; waiting for:\n${stuck}\n`),
      ...(values.concurrency === undefined ? {} : { concurrency: Number(values.concurrency) }),
    });
    bar.done();
    const file = join(outDir, `${scenario.name}.run.json`);
    writeFileSync(file, `${JSON.stringify(record, null, 1)}\n`);
    records.push(record);
    const seconds = record.wall.seconds;
    console.log(
      `${scenario.name}: ${seconds.toFixed(1)} s wall, ${record.declarations.length} workflows (one execution per declaration), ` +
        `${(record.declarations.length / seconds).toFixed(1)} declarations/s, ${record.wall.requests} requests; wrote ${file}`,
    );
  }
  console.table(records.flatMap(summaryRows));
  // The report reads nothing but the records: every figure on it comes from the declarations' histories.
  const report = await writeReport(outDir, records);
  console.log(`report: ${report.html} and ${report.json}`);
}

function withSeed(scenario: Scenario, seed: number | undefined): Scenario {
  return seed === undefined ? scenario : { ...scenario, seed };
}

/** One line on stderr, redrawn: declarations driven and closed, the business clock, the wall time. */
function progressBar(name: string) {
  const started = performance.now();
  const tty = process.stderr.isTTY === true;
  let lastLine = 0;
  const line = (progress: Progress) => {
    const width = 30;
    const share = progress.declarations === 0 ? 1 : progress.closed / progress.declarations;
    const filled = Math.round(share * width);
    const clock = progress.businessClock?.slice(0, 16).replace('T', ' ') ?? '–';
    return (
      `${name} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ` +
      `${progress.driven}/${progress.declarations} driven, ${progress.closed} closed · business ${clock}Z · ` +
      `${((performance.now() - started) / 1000).toFixed(0)} s · ${progress.requests} requests · ${progress.stage}`
    );
  };
  return {
    update: (progress: Progress) => {
      if (tty) process.stderr.write(`\r\x1b[2K${line(progress)}`);
      else if (performance.now() - lastLine > 5_000) {
        lastLine = performance.now();
        process.stderr.write(`${line(progress)}\n`);
      }
    },
    done: () => {
      if (tty) process.stderr.write('\n');
    },
  };
}

class UsageError extends Error {}

main().catch((error: unknown) => {
  if (error instanceof UsageError || error instanceof ScenarioError) {
    console.error(`npm run twin: ${error.message}\n${USAGE}`);
  } else {
    console.error(error);
  }
  process.exitCode = 1;
});
