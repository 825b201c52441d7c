import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { INDEX_ACTIONS, type TableAction } from './table-access.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LAMBDA_CREDENTIALS = `${PROJECT_ROOT}functions/adapters/lambda-credentials.ts`;
const NO_ENDPOINT_DISCOVERY = `${PROJECT_ROOT}functions/adapters/no-endpoint-discovery.ts`;

export interface PreClearanceFunctionProps {
  /** Handler module under functions/handlers, without extension, e.g. "workflow/assess-risk". */
  readonly handler: string;
  readonly description: string;
  readonly timeout?: Duration;
  readonly memorySize?: number;
}

/**
 * The team's Lambda defaults, fixed once: Node 22 on arm64, ESM bundle with the AWS SDK inside, source maps,
 * X-Ray, a log group with retention, and a role that starts empty: the function may write to its own log group,
 * and gets the rest grant by grant.
 *
 * Bundle footprint: the budget is 250 KiB per index.mjs and a fast cold start; `npm run bench` prints both for
 * every function. The SDK is bundled, so our lock file pins its version (middy's advice), and trimmed to what a
 * Lambda function uses. Leaving `@aws-sdk/*` to the runtime's copy was measured too: a workflow step's bundle
 * drops to ~35 KiB, but every cold start then imports the SDK's unminified CommonJS build file by file (~115 ms
 * more here), and the SDK version becomes whatever the runtime ships that month. The trims, each safe on AWS and
 * in the local harness (figures for the await-arrival step, 416 -> 239 KiB):
 * - credentials: the SDK's default provider chain is replaced by its first link, the environment, which is where
 *   Lambda puts the execution role's credentials (lambda-credentials.ts); -140 KiB of SSO, STS, ini, IMDS...;
 * - DynamoDB's endpoint discovery (its middleware, LRU cache and DescribeEndpoints command), wired into every
 *   client and acting only when discovery is switched on, which it never is here (no-endpoint-discovery.ts,
 *   which fails loudly if it were); -8.5 KiB;
 * - the event-stream codec, which the SDK imports lazily and only for event-stream operations (DynamoDB and Step
 *   Functions have none), stays out of the bundle; -20 KiB;
 * - no `keepNames`, whose name-keeping wrappers cost 17 KiB: errors carry explicit names in our code and the SDK's,
 *   stack traces reach the source lines through the source maps, and the one SDK behaviour keyed on a class name
 *   (recognising its NoOpLogger) is made explicit in sdk-client-config.ts.
 */
export class PreClearanceFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: PreClearanceFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Not the default role with AWSLambdaBasicExecutionRole, which may create and write to any log group.
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.description}`,
    });
    super(scope, id, {
      entry: `${PROJECT_ROOT}functions/handlers/${props.handler}.ts`,
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      logGroup,
      role,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
      environment: {
        POWERTOOLS_SERVICE_NAME: 'preclearance',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        platform: 'node',
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        mainFields: ['module', 'main'],
        // Bundle every dependency, @aws-sdk/* included, rather than trusting the runtime's copy; the one
        // exception is only ever loaded by an operation these functions never call.
        externalModules: ['@smithy/core/event-streams'],
        esbuildArgs: {
          // middy's validator pulls in a formats package that requires Node's deprecated punycode module;
          // the userland package of the same API keeps the deprecation warning out of every cold start.
          '--alias:punycode': 'punycode/',
          '--alias:@aws-sdk/credential-provider-node': LAMBDA_CREDENTIALS,
          '--alias:@aws-sdk/middleware-endpoint-discovery': NO_ENDPOINT_DISCOVERY,
        },
        // ESM output still meets CommonJS dependencies that call require().
        banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      },
    });
    logGroup.grantWrite(this);
  }

  /**
   * Grants exactly `actions` on a table and hands its name to the code (in `environmentVariable`), in one
   * call. Spell the actions with the profiles of ./table-access.ts, one per operation the code performs:
   *
   *   fn.bindTable(declarations, [...DECLARATIONS_TABLE_ACCESS.readDeclaration], ENV.declarationsTable);
   *   fn.bindTable(declarations, ['dynamodb:Query'], ENV.declarationsTable, { indexes: ['GSI1'] }); // by broker
   *
   * The grant covers the table itself; an index is added only when named in `indexes`, and then only for
   * the actions that read through an index (Query). Binding the same table again adds to its grant.
   */
  bindTable(
    table: ITable,
    actions: readonly TableAction[],
    environmentVariable: string,
    options: { readonly indexes?: readonly string[] } = {},
  ): this {
    if (actions.length === 0) throw new Error(`${this.node.path}: bindTable needs at least one action`);
    if (table.encryptionKey !== undefined) {
      // A customer-managed key would need kms:Decrypt (and for writes kms:GenerateDataKey) as well.
      throw new Error(`${this.node.path}: bindTable grants no KMS access; the table has a customer-managed key`);
    }
    const granted = [...new Set(actions)].sort();
    this.addToRolePolicy(new PolicyStatement({ actions: granted, resources: [table.tableArn] }));
    const indexActions = granted.filter((action) => INDEX_ACTIONS.has(action));
    const indexes = options.indexes ?? [];
    if (indexes.length > 0) {
      if (indexActions.length === 0) throw new Error(`${this.node.path}: indexes are only read by Query`);
      this.addToRolePolicy(
        new PolicyStatement({
          actions: indexActions,
          resources: indexes.map((index) => `${table.tableArn}/index/${index}`),
        }),
      );
    }
    this.addEnvironment(environmentVariable, table.tableName);
    return this;
  }
}
