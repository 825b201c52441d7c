import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface PreClearanceFunctionProps {
  /** Handler module under functions/handlers, without extension, e.g. "workflow/assess-risk". */
  readonly handler: string;
  readonly description: string;
  readonly timeout?: Duration;
  readonly memorySize?: number;
}

/**
 * The team's Lambda defaults, fixed once: Node 22 on arm64, ESM bundle with the AWS SDK inside
 * (pins its version and trims cold start), source maps, X-Ray, a log group with retention.
 */
export class PreClearanceFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: PreClearanceFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
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
        keepNames: true,
        sourceMap: true,
        sourcesContent: false,
        mainFields: ['module', 'main'],
        // Bundle every dependency, @aws-sdk/* included, rather than trusting the runtime's copy.
        externalModules: [],
        // middy's validator pulls in a formats package that requires Node's deprecated punycode module;
        // the userland package of the same API keeps the deprecation warning out of every cold start.
        esbuildArgs: { '--alias:punycode': 'punycode/' },
        // ESM output still meets CommonJS dependencies that call require().
        banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      },
    });
  }

  /** Grants access to a table and hands its name to the code, in one call. */
  bindTable(table: ITable, access: 'RO' | 'RW', environmentVariable: string): this {
    if (access === 'RO') table.grantReadData(this);
    else table.grantReadWriteData(this);
    this.addEnvironment(environmentVariable, table.tableName);
    return this;
  }
}
