import { parseArgs } from 'node:util';
import { ROUTES } from '#shared/routes.ts';
import { issueLocalToken } from './local-identity.ts';
import { type LocalStack, startLocalStack } from './local-stack.ts';
import { LocalStackStartError } from './start-errors.ts';

/**
 * `npm start`: the whole product on this machine, on fixed ports unless told otherwise.
 *   npm start -- --context arrivalTimeoutSeconds=120     (any CDK context, as with cdk synth -c)
 *   npm start -- --output /tmp/cdk.out                   (synthesize into this directory, as with cdk synth -o,
 *                                                         rather than reuse the cached assembly of the same inputs)
 *   npm start -- --quiet                                 (no function logs; same as LOCAL_LAMBDA_LOGS=off)
 * Ports: API_PORT (3000), SFN_PORT (8083), DYNAMODB_PORT (8000).
 * Function logs: LOCAL_LAMBDA_LOGS=console (default) | off | <file to append to>.
 * Workflow time: LOCAL_TIME_SCALE=3600 makes an hour of Wait, task timeout or retry interval pass in a second.
 *
 * Stopping: Ctrl-C, SIGTERM or SIGHUP stop everything cleanly. `npm start` execs node (see package.json), so
 * npm passes its signals straight here; if npm dies without passing one (SIGKILL), this process notices it
 * was re-parented and stops too. DynamoDB Local ends when this process ends, however it ends (see
 * DynamoDbLocalLauncher.java), and the functions' workers are threads of this process.
 */
const { values } = parseArgs({
  options: {
    context: { type: 'string', short: 'c', multiple: true },
    output: { type: 'string', short: 'o' },
    quiet: { type: 'boolean', short: 'q', default: false },
  },
});
const context = Object.fromEntries(
  (values.context ?? []).map((pair) => {
    const [key = '', ...rest] = pair.split('=');
    const raw = rest.join('=');
    return [key, /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw];
  }),
);

let stack: LocalStack | undefined;
let stopping = false;
const shutdown = async (reason: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${reason}: stopping the local stack…`);
  // Still starting: exiting is enough, as nothing of the stack outlives this process.
  if (stack === undefined) process.exit(1);
  setTimeout(() => {
    console.error('The local stack did not stop within 10 s; exiting anyway.');
    process.exit(1);
  }, 10_000).unref();
  await stack.stop();
  console.log('Stopped.');
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGHUP', () => void shutdown('SIGHUP'));
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) void shutdown(`the parent process (${parent}) exited`);
}, 500).unref();

const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const lambdaLogsSetting = values.quiet ? 'off' : (process.env.LOCAL_LAMBDA_LOGS ?? 'console');
const lambdaLogs =
  lambdaLogsSetting === 'off' ? 'discard' : lambdaLogsSetting === 'console' ? 'console' : { file: lambdaLogsSetting };
console.log('Synthesizing the CDK app (or reusing the assembly of the same sources) and starting DynamoDB Local…');
try {
  stack = await startLocalStack({
    ...(values.output === undefined ? {} : { outdir: values.output }),
    context,
    ports: {
      api: port('API_PORT', 3000),
      stepFunctions: port('SFN_PORT', 8083),
      dynamoDb: port('DYNAMODB_PORT', 8000),
    },
    lambdaLogs,
  });
} catch (error) {
  // What the user can fix is said in one line; anything else is a bug in the harness and keeps its trace.
  console.error(error instanceof LocalStackStartError ? `npm start: ${error.message}` : error);
  process.exit(1);
}

const whereLogsGo =
  lambdaLogs === 'console'
    ? 'below (quiet them with npm start -- --quiet, or LOCAL_LAMBDA_LOGS=off or =<file>)'
    : lambdaLogs === 'discard'
      ? 'off'
      : `appended to ${lambdaLogs.file}`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
// The dashboard reads its token from the URL's fragment, which the browser never sends: an officer's, for a shift.
const DASHBOARD_TOKEN_HOURS = 12;
const officerToken = await issueLocalToken({ role: 'officer', expiresInSeconds: DASHBOARD_TOKEN_HOURS * 3600 });
const dashboardUrl = `${stack.apiUrl}${ROUTES.getDashboard.path}`;
console.log(`
Horgos pre-clearance, running locally (stage "${String(stack.api.stageName)}", region ${stack.region})

  Broker API       ${stack.apiUrl}/v1/declarations
  Step Functions   ${stack.stepFunctionsEndpoint}   (aws stepfunctions --endpoint-url ${stack.stepFunctionsEndpoint} …)
  DynamoDB Local   ${stack.dynamoDbEndpoint}   tables: ${stack.tables.join(', ')}
${stack.stateMachines.map((sm) => `  State machine    ${sm.arn}`).join('\n')}
  Routes           ${stack.api.routes.map((r) => `${r.httpMethod} ${r.resourcePath}`).join(', ')}
  Function logs    ${whereLogsGo}
  Workflow time    ${stack.timeScale === 1 ? 'real time (LOCAL_TIME_SCALE=3600 makes an hour pass in a second)' : stack.timeScale === 0 ? 'standing still (LOCAL_TIME_SCALE=0): no wait or timeout fires' : `${stack.timeScale}× faster than real time (LOCAL_TIME_SCALE)`}

  Tokens:  npm run -s token -- --role broker --broker BRK-ACME
           npm run -s token -- --role port-operator      (also railway, officer)

  Dashboard, as an officer (the token is valid ${DASHBOARD_TOKEN_HOURS} h):
    ${dashboardUrl}#token=${officerToken}
  As another role: ${dashboardUrl}#token=$(npm run -s token -- --role port-operator --expires-in 43200)

Ready in ${seconds(stack.startup.total)} (synth ${seconds(stack.startup.synth)}${stack.reusedAssembly ? ', the cached assembly of the same sources' : ''}). Ctrl-C stops everything.
`);
