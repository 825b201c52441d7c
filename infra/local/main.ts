import { parseArgs } from 'node:util';
import { startLocalStack } from './local-stack.ts';

/**
 * `npm start`: the whole product on this machine, on fixed ports unless told otherwise.
 *   npm start -- --context arrivalTimeoutSeconds=120     (any CDK context, as with cdk synth -c)
 *   npm start -- --output /tmp/cdk.out                   (cloud assembly directory, as with cdk synth -o)
 * Ports: API_PORT (3000), SFN_PORT (8083), DYNAMODB_PORT (8000).
 */
const { values } = parseArgs({
  options: {
    context: { type: 'string', short: 'c', multiple: true },
    output: { type: 'string', short: 'o', default: 'cdk.out' },
  },
});
const context = Object.fromEntries(
  (values.context ?? []).map((pair) => {
    const [key = '', ...rest] = pair.split('=');
    const raw = rest.join('=');
    return [key, /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw];
  }),
);

const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
console.log('Synthesizing the CDK app and starting DynamoDB Local…');
const stack = await startLocalStack({
  outdir: values.output,
  context,
  ports: { api: port('API_PORT', 3000), stepFunctions: port('SFN_PORT', 8083), dynamoDb: port('DYNAMODB_PORT', 8000) },
  lambdaLogs: 'console',
});

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
console.log(`
Horgos pre-clearance, running locally (stage "${String(stack.api.stageName)}", region ${stack.region})

  Broker API       ${stack.apiUrl}/v1/declarations
  Step Functions   ${stack.stepFunctionsEndpoint}   (aws stepfunctions --endpoint-url ${stack.stepFunctionsEndpoint} …)
  DynamoDB Local   ${stack.dynamoDbEndpoint}   tables: ${stack.tables.join(', ')}
${stack.stateMachines.map((sm) => `  State machine    ${sm.arn}`).join('\n')}
  Routes           ${stack.api.routes.map((r) => `${r.httpMethod} ${r.resourcePath}`).join(', ')}

  Tokens:  npm run -s token -- --role broker --broker BRK-ACME
           npm run -s token -- --role port-operator

Ready in ${seconds(stack.startup.total)} (synth ${seconds(stack.startup.synth)}). Ctrl-C stops everything.
`);

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping the local stack…`);
  await stack.stop();
  console.log('Stopped.');
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
