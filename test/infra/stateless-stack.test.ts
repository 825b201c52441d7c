import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { WORKFLOW_IDS } from '#domain/declaration-types/registry.ts';
import { DEFAULT_RANDOM_SELECTION, NO_RANDOM_SELECTION } from '#domain/risk-reference-data.ts';
import { stateMachineArnVariable } from '#shared/env.ts';
import { ROUTE_LIST, ROUTES, type RouteDefinition } from '#shared/routes.ts';
import {
  allowedActions,
  apiRoutes,
  functionBehindRoute,
  functionBehindState,
  isGetAtt,
  isRef,
  onlyResourceOf,
  type Ref,
  resourcesOf,
  synthApp,
} from './cdk-app.ts';

interface LambdaFunctionProps {
  readonly Runtime?: string;
  readonly Architectures?: readonly string[];
  readonly TracingConfig?: { readonly Mode?: string };
  readonly LoggingConfig?: { readonly LogGroup?: unknown };
  readonly Environment?: { readonly Variables?: Record<string, unknown> };
}
interface LogGroupProps {
  readonly RetentionInDays?: number;
}
interface StageProps {
  readonly AccessLogSetting?: { readonly DestinationArn: unknown; readonly Format: string };
  readonly MethodSettings?: ReadonlyArray<{ readonly LoggingLevel?: string; readonly DataTraceEnabled?: boolean }>;
}

const { statelessTemplate: template, statefulTemplate } = synthApp({ stage: 'test' });
/** Logical ids of the two tables in the stateful stack, found by their partition key. */
const tableIds = {
  declarations: tableKeyedOn('PK'),
  idempotency: tableKeyedOn('id'),
};
function tableKeyedOn(partitionKey: string): string {
  const found = resourcesOf<{ KeySchema: Array<{ AttributeName: string; KeyType: string }> }>(
    statefulTemplate,
    'AWS::DynamoDB::Table',
  ).filter(([, table]) =>
    table.Properties.KeySchema.some((k) => k.KeyType === 'HASH' && k.AttributeName === partitionKey),
  );
  assert.equal(found.length, 1, `one table keyed on ${partitionKey}`);
  return (found[0] as [string, unknown])[0];
}
const functions = resourcesOf<LambdaFunctionProps>(template, 'AWS::Lambda::Function');
const logGroups = new Map(resourcesOf<LogGroupProps>(template, 'AWS::Logs::LogGroup'));
/** The clearance workflows' machines (one per workflow), found by name; the webhook delivery machine is apart. */
const machinesNamed = (names: readonly string[]) =>
  resourcesOf<{ StateMachineName?: string }>(template, 'AWS::StepFunctions::StateMachine')
    .filter(([, machine]) => names.includes(String(machine.Properties.StateMachineName)))
    .map(([id]) => id)
    .sort();
const stateMachineIds = machinesNamed(WORKFLOW_IDS.map((workflow) => `preclearance-test-${workflow}`));
const [deliveryMachineId] = machinesNamed(['preclearance-test-webhook-delivery']);
/** The function the declarations table's stream triggers (its event source mapping's target). */
const streamConsumers = resourcesOf<{ FunctionName: Ref }>(template, 'AWS::Lambda::EventSourceMapping').map(
  ([, mapping]) => mapping.Properties.FunctionName.Ref,
);
const [streamDispatcherId] = streamConsumers.filter((id) => id.startsWith('NotificationsDispatch'));
const envOf = (fn: LambdaFunctionProps) => fn.Environment?.Variables ?? {};
const functionsWith = (variable: string) =>
  functions
    .filter(([, fn]) => variable in envOf(fn.Properties))
    .map(([id]) => id)
    .sort();
/** The one function that carries out queued workflow commands (infra/constructs/workflow-command-runner.ts). */
const workflowCommandRunner = () => {
  const found = functions.filter(([id]) => id.startsWith('RunWorkflowCommandsFn'));
  assert.equal(found.length, 1, 'one workflow-command runner');
  return (found[0] as [string, unknown])[0];
};
const envOfFunction = (logicalId: string) => {
  const found = functions.find(([id]) => id === logicalId);
  assert.ok(found !== undefined, `no Lambda function ${logicalId}`);
  return envOf(found[1].Properties);
};

const routeKey = (route: RouteDefinition) => `${route.method} ${route.path}`;
const STREAM_DISPATCHER = 'the outbox stream’s dispatcher';
const SUBMIT = routeKey(ROUTES.fileDeclaration);
const GET = routeKey(ROUTES.getDeclaration);
const PORT_EVENT = routeKey(ROUTES.reportPortEvent);

describe('stateless stack: every Lambda function follows the team defaults', () => {
  it('there are functions to check', () => {
    assert.ok(functions.length > 0);
  });

  it('runs Node.js 22 on arm64 with active X-Ray tracing', () => {
    for (const [id, fn] of functions) {
      assert.equal(fn.Properties.Runtime, 'nodejs22.x', id);
      assert.deepEqual(fn.Properties.Architectures, ['arm64'], id);
      assert.deepEqual(fn.Properties.TracingConfig, { Mode: 'Active' }, id);
    }
  });

  it('logs to its own log group of this stack, which keeps logs for a month', () => {
    const used = new Set<string>();
    for (const [id, fn] of functions) {
      const logGroup = fn.Properties.LoggingConfig?.LogGroup;
      assert.ok(isRef(logGroup), `${id} names no log group of this stack`);
      const retention = logGroups.get(logGroup.Ref)?.Properties.RetentionInDays;
      assert.equal(retention, 30, `${id}: log group ${logGroup.Ref} retention`);
      assert.ok(!used.has(logGroup.Ref), `${id} shares log group ${logGroup.Ref}`);
      used.add(logGroup.Ref);
    }
  });

  it('has a role of its own with no AWS managed policy, which may write logs to its own log group only', () => {
    const roles = new Map(resourcesOf<{ ManagedPolicyArns?: unknown[] }>(template, 'AWS::IAM::Role'));
    for (const [id, fn] of functions) {
      const roleId = (fn.Properties as { Role?: { 'Fn::GetAtt'?: [string, string] } }).Role?.['Fn::GetAtt']?.[0] ?? '';
      assert.deepEqual(roles.get(roleId)?.Properties.ManagedPolicyArns ?? [], [], `${id}: role ${roleId}`);
      const logGroup = fn.Properties.LoggingConfig?.LogGroup;
      assert.ok(isRef(logGroup));
      const allowed = allowedActions(template, id);
      const logActions = [...allowed.keys()].filter((action) => action.startsWith('logs:')).sort();
      assert.deepEqual(logActions, ['logs:CreateLogStream', 'logs:PutLogEvents'], id);
      for (const action of logActions) {
        assert.deepEqual(allowed.get(action), [{ 'Fn::GetAtt': [logGroup.Ref, 'Arn'] }], `${id}: ${action}`);
      }
    }
  });

  it('names its Powertools service', () => {
    for (const [id, fn] of functions) assert.equal(envOf(fn.Properties).POWERTOOLS_SERVICE_NAME, 'preclearance', id);
  });
});

describe('stateless stack: each function is told where its resources are', () => {
  it('every function but the public contract, the dashboard page and the workflow-command runner (it reads the stream) gets DECLARATIONS_TABLE_NAME', () => {
    const openApi = functionBehindRoute(template, routeKey(ROUTES.getOpenApi));
    const dashboard = functionBehindRoute(template, routeKey(ROUTES.getDashboard));
    const runner = workflowCommandRunner();
    assert.deepEqual(
      functionsWith('DECLARATIONS_TABLE_NAME'),
      functions
        .map(([id]) => id)
        .filter((id) => id !== openApi && id !== dashboard && id !== runner)
        .sort(),
    );
  });

  it('the idempotent write routes of the registry, and only they, get IDEMPOTENCY_TABLE_NAME', () => {
    const idempotent = ROUTE_LIST.filter((route) => route.idempotency !== undefined);
    assert.ok(idempotent.length >= 2);
    assert.deepEqual(
      functionsWith('IDEMPOTENCY_TABLE_NAME'),
      idempotent.map((route) => functionBehindRoute(template, routeKey(route))).sort(),
    );
  });

  it('the workflow-command runner (which starts and stops workflows), and only it, gets the ARN of every workflow', () => {
    const runner = workflowCommandRunner();
    assert.equal(stateMachineIds.length, WORKFLOW_IDS.length);
    for (const workflow of WORKFLOW_IDS) {
      const variable = stateMachineArnVariable(workflow);
      assert.deepEqual(functionsWith(variable), [runner], variable);
      const arn = envOfFunction(runner)[variable];
      assert.ok(isRef(arn) && stateMachineIds.includes(arn.Ref), `${variable} names a state machine of this stack`);
    }
  });

  it('the stream dispatcher, and only it, gets the ARN of the webhook delivery machine', () => {
    assert.ok(deliveryMachineId !== undefined && streamDispatcherId !== undefined);
    assert.deepEqual(functionsWith('WEBHOOK_DELIVERY_STATE_MACHINE_ARN'), [streamDispatcherId]);
    assert.deepEqual(envOfFunction(streamDispatcherId).WEBHOOK_DELIVERY_STATE_MACHINE_ARN, { Ref: deliveryMachineId });
  });

  it('the functions that check webhook URLs (registering, delivering) are told the loopback policy: off', () => {
    const expected = [
      functionBehindRoute(template, routeKey(ROUTES.registerWebhook)),
      functionBehindState(template, 'DeliverEvent'),
    ].sort();
    assert.deepEqual(functionsWith('ALLOW_LOOPBACK_WEBHOOKS'), expected);
    for (const id of expected) assert.equal(envOfFunction(id).ALLOW_LOOPBACK_WEBHOOKS, 'false', id);
  });

  it('the risk step, and only it, is told the random-selection rates and seed: the defaults unless context says', () => {
    const assessRiskId = functionBehindState(template, 'AssessRisk');
    assert.deepEqual(functionsWith('RISK_RANDOM_SELECTION'), [assessRiskId]);
    assert.deepEqual(functionsWith('RISK_SELECTION_SEED'), [assessRiskId]);
    assert.deepEqual(JSON.parse(String(envOfFunction(assessRiskId).RISK_RANDOM_SELECTION)), DEFAULT_RANDOM_SELECTION);
    assert.equal(envOfFunction(assessRiskId).RISK_SELECTION_SEED, 'preclearance-test');

    const { statelessTemplate: off } = synthApp({ stage: 'test', riskRandomSelection: 'off', riskSelectionSeed: 'x' });
    const offEnv = resourcesOf<LambdaFunctionProps>(off, 'AWS::Lambda::Function')
      .map(([, fn]) => envOf(fn.Properties))
      .find((env) => 'RISK_RANDOM_SELECTION' in env);
    assert.deepEqual(JSON.parse(String(offEnv?.RISK_RANDOM_SELECTION)), NO_RANDOM_SELECTION);
    assert.equal(offEnv?.RISK_SELECTION_SEED, 'x');
  });

  it('the functions that decide on hours (booking, the calendar, the gate), and only they, are told the slot calendar', () => {
    const bookSlotId = functionBehindRoute(template, routeKey(ROUTES.bookSlot));
    const expected = [ROUTES.bookSlot, ROUTES.getSlotAvailability]
      .map((route) => functionBehindRoute(template, routeKey(route)))
      .sort();
    for (const variable of ['SLOT_CAPACITY_PER_HOUR', 'SLOT_NO_SHOW_GRACE_MINUTES']) {
      assert.deepEqual(functionsWith(variable), expected, variable);
    }
    // The gate decides when a truck is cleared, from the freight hours alone.
    const withHours = [...expected, functionBehindRoute(template, routeKey(ROUTES.reportPortEvent))].sort();
    for (const variable of ['PORT_TIME_ZONE', 'FREIGHT_HOURS', 'DAYTIME_FREIGHT_HOURS']) {
      assert.deepEqual(functionsWith(variable), withHours, variable);
    }
    assert.deepEqual(
      {
        zone: envOfFunction(bookSlotId).PORT_TIME_ZONE,
        mode: envOfFunction(bookSlotId).FREIGHT_HOURS,
        hours: envOfFunction(bookSlotId).DAYTIME_FREIGHT_HOURS,
        capacity: JSON.parse(String(envOfFunction(bookSlotId).SLOT_CAPACITY_PER_HOUR)),
        grace: envOfFunction(bookSlotId).SLOT_NO_SHOW_GRACE_MINUTES,
      },
      {
        zone: 'Asia/Shanghai',
        mode: 'ROUND_THE_CLOCK',
        hours: '10:00-18:00',
        capacity: { FREIGHT: 30, VEHICLE_CARRIER: 20 },
        grace: '60',
      },
    );

    const { statelessTemplate: daytime } = synthApp({
      stage: 'test',
      freightHours: 'DAYTIME',
      daytimeFreightHours: '09:00-17:00',
      slotCapacityPerHour: { FREIGHT: 4 },
      portTimeZone: 'Asia/Almaty',
      slotNoShowGraceMinutes: 30,
    });
    const daytimeEnv = resourcesOf<LambdaFunctionProps>(daytime, 'AWS::Lambda::Function')
      .map(([, fn]) => envOf(fn.Properties))
      .find((env) => 'SLOT_CAPACITY_PER_HOUR' in env);
    assert.deepEqual(
      [
        daytimeEnv?.PORT_TIME_ZONE,
        daytimeEnv?.FREIGHT_HOURS,
        daytimeEnv?.DAYTIME_FREIGHT_HOURS,
        daytimeEnv?.SLOT_CAPACITY_PER_HOUR,
        daytimeEnv?.SLOT_NO_SHOW_GRACE_MINUTES,
      ],
      ['Asia/Almaty', 'DAYTIME', '09:00-17:00', '{"FREIGHT":4,"VEHICLE_CARRIER":20}', '30'],
    );
  });

  it('refuses a slot calendar the port could not work to, at synth', () => {
    assert.throws(() => synthApp({ stage: 'test', portTimeZone: 'Horgos/Port' }), /time zone "Horgos\/Port"/);
    assert.throws(() => synthApp({ stage: 'test', slotCapacityPerHour: '{"BUS":3}' }), /unknown lane type "BUS"/);
  });

  it('the filing function, and only it, is told the two-step completion period: 14 days unless context says', () => {
    const fileId = functionBehindRoute(template, SUBMIT);
    assert.deepEqual(functionsWith('TWO_STEP_COMPLETION_DAYS'), [fileId]);
    assert.equal(envOfFunction(fileId).TWO_STEP_COMPLETION_DAYS, '14');
    const { statelessTemplate: shorter } = synthApp({ stage: 'test', twoStepCompletionDays: '0.25' });
    const shorterEnv = resourcesOf<LambdaFunctionProps>(shorter, 'AWS::Lambda::Function')
      .map(([, fn]) => envOf(fn.Properties))
      .find((env) => 'TWO_STEP_COMPLETION_DAYS' in env);
    assert.equal(shorterEnv?.TWO_STEP_COMPLETION_DAYS, '0.25');
    assert.throws(() => synthApp({ stage: 'test', twoStepCompletionDays: 'a fortnight' }), /positive number of days/);
  });

  it('refuses random-selection rates that make no sense, at synth', () => {
    assert.throws(
      () => synthApp({ stage: 'test', riskRandomSelection: '{"RAIL_IMPORT":{"YELLOW":0.9,"RED":0.2}}' }),
      /at most 1 together/,
    );
  });

  it('keeps idempotency records apart from declarations: the two table names differ', () => {
    const env = envOfFunction(functionBehindRoute(template, SUBMIT));
    assert.ok(env.DECLARATIONS_TABLE_NAME !== undefined && env.IDEMPOTENCY_TABLE_NAME !== undefined);
    assert.notDeepEqual(env.DECLARATIONS_TABLE_NAME, env.IDEMPOTENCY_TABLE_NAME);
  });
});

describe('stateless stack: the API is built from the route registry', () => {
  const routes = apiRoutes(template);

  it('is one REST API with one Cognito user-pool authorizer', () => {
    template.resourceCountIs('AWS::ApiGateway::RestApi', 1);
    template.resourceCountIs('AWS::ApiGateway::Authorizer', 1);
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'COGNITO_USER_POOLS',
      IdentitySource: 'method.request.header.Authorization',
      ProviderARNs: [Match.anyValue()],
    });
  });

  it('serves exactly the routes of the registry', () => {
    assert.deepEqual([...routes.keys()].sort(), ROUTE_LIST.map(routeKey).sort());
  });

  it('puts every route behind the Cognito authorizer except the public ones, which need no token', () => {
    const [authorizerId] = onlyResourceOf(template, 'AWS::ApiGateway::Authorizer');
    for (const route of ROUTE_LIST) {
      const method = routes.get(routeKey(route));
      if (route.roles === 'public') {
        assert.equal(method?.AuthorizationType, 'NONE', routeKey(route));
      } else {
        assert.equal(method?.AuthorizationType, 'COGNITO_USER_POOLS', routeKey(route));
        assert.deepEqual(method?.AuthorizerId, { Ref: authorizerId } satisfies Ref, routeKey(route));
      }
    }
  });

  it('hands each route to its own function as a Lambda proxy integration', () => {
    for (const [route, method] of routes) assert.equal(method.Integration?.Type, 'AWS_PROXY', route);
    const targets = ROUTE_LIST.map((route) => functionBehindRoute(template, routeKey(route)));
    assert.equal(new Set(targets).size, ROUTE_LIST.length);
  });

  it('lets a request in with a Cognito token only: no API keys, no usage plans, no console test-invoke path', () => {
    template.resourceCountIs('AWS::ApiGateway::ApiKey', 0);
    template.resourceCountIs('AWS::ApiGateway::UsagePlan', 0);
    for (const [route, method] of routes) {
      assert.notEqual((method as { ApiKeyRequired?: boolean }).ApiKeyRequired, true, route);
    }
    const [stageId] = onlyResourceOf(template, 'AWS::ApiGateway::Stage');
    const permissions = resourcesOf<{ Principal: string; SourceArn?: unknown }>(template, 'AWS::Lambda::Permission');
    const fromApiGateway = permissions.filter(([, p]) => p.Properties.Principal === 'apigateway.amazonaws.com');
    assert.equal(fromApiGateway.length, routes.size, 'one invoke permission per route');
    for (const [id, permission] of fromApiGateway) {
      const sourceArn = JSON.stringify(permission.Properties.SourceArn);
      assert.ok(sourceArn.includes(JSON.stringify({ Ref: stageId })), `${id} is not limited to the deployed stage`);
      assert.ok(!sourceArn.includes('test-invoke-stage'), `${id} lets the console test-invoke the function`);
    }
  });

  it('deploys to an API stage named after the stage', () => {
    template.resourceCountIs('AWS::ApiGateway::Stage', 1);
    template.hasResourceProperties('AWS::ApiGateway::Stage', { StageName: 'test' });
  });

  it('writes one JSON access-log line per request to a log group of its own that keeps it for a month', () => {
    const [, stage] = onlyResourceOf<StageProps>(template, 'AWS::ApiGateway::Stage');
    const setting = stage.Properties.AccessLogSetting;
    assert.ok(setting !== undefined, 'the stage has no access log setting');
    const destination = setting.DestinationArn;
    assert.ok(isGetAtt(destination), 'the access log destination is not a log group of this stack');
    const [logGroupId] = destination['Fn::GetAtt'];
    assert.equal(logGroups.get(logGroupId)?.Properties.RetentionInDays, 30);
    assert.ok(
      functions.every(
        ([, fn]) =>
          !isRef(fn.Properties.LoggingConfig?.LogGroup) || fn.Properties.LoggingConfig.LogGroup.Ref !== logGroupId,
      ),
      'a function shares the access log group',
    );

    const line = JSON.parse(setting.Format) as Record<string, string>;
    assert.deepEqual(
      {
        requestId: line.requestId,
        ip: line.ip,
        caller: line.caller,
        user: line.user,
        sub: line.sub,
        httpMethod: line.httpMethod,
        resourcePath: line.resourcePath,
        status: line.status,
        protocol: line.protocol,
        responseLength: line.responseLength,
        integrationError: line.integrationError,
      },
      {
        requestId: '$context.requestId',
        ip: '$context.identity.sourceIp',
        caller: '$context.identity.caller',
        user: '$context.identity.user',
        sub: '$context.authorizer.claims.sub',
        httpMethod: '$context.httpMethod',
        resourcePath: '$context.resourcePath',
        status: '$context.status',
        protocol: '$context.protocol',
        responseLength: '$context.responseLength',
        integrationError: '$context.integrationErrorMessage',
      },
    );
  });

  it('logs no request or response bodies: execution logging and data tracing are off', () => {
    const [, stage] = onlyResourceOf<StageProps>(template, 'AWS::ApiGateway::Stage');
    for (const setting of stage.Properties.MethodSettings ?? []) {
      assert.equal(setting.LoggingLevel, 'OFF');
      assert.notEqual(setting.DataTraceEnabled, true);
    }
  });

  it('leaves the account-wide API Gateway CloudWatch role alone (other sandboxes share it)', () => {
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
  });
});

describe('stateless stack: least privilege', () => {
  /** A route ("POST /v1/declarations"), a workflow state ("state AssessRisk") or the stream's target. */
  const functionFor = (key: string) =>
    key === STREAM_DISPATCHER
      ? String(streamDispatcherId)
      : key.startsWith('state ')
        ? functionBehindState(template, key.slice('state '.length))
        : key.startsWith('step ')
          ? functionNamed(key.slice('step '.length))
          : functionBehindRoute(template, key);
  /** A workflow step not yet in a state machine, by the logical id its construct gives it. */
  const functionNamed = (constructId: string) => {
    const found = functions.filter(([id]) => id.startsWith(constructId) && !id.includes('LogGroup'));
    assert.equal(found.length, 1, `one function ${constructId}`);
    return (found[0] as [string, unknown])[0];
  };
  const OFFICER_TASKS = routeKey(ROUTES.listOfficerTasks);
  const DECIDE = routeKey(ROUTES.decideOnDeclaration);
  const PROVIDE_DOCUMENTS = routeKey(ROUTES.provideDocuments);
  const REGISTER_WEBHOOK = routeKey(ROUTES.registerWebhook);
  const LIST_WEBHOOKS = routeKey(ROUTES.listWebhooks);
  const DELETE_WEBHOOK = routeKey(ROUTES.deleteWebhook);
  const DELIVERIES = routeKey(ROUTES.listWebhookDeliveries);
  const LIST = routeKey(ROUTES.listDeclarations);
  const AMEND = routeKey(ROUTES.amendDeclaration);
  const COMPLETE = routeKey(ROUTES.completeDeclaration);
  const CANCEL = routeKey(ROUTES.cancelDeclaration);
  const EVENTS = routeKey(ROUTES.listEvents);
  const OPENAPI = routeKey(ROUTES.getOpenApi);
  const FILE_MANIFEST = routeKey(ROUTES.fileTrainManifest);
  const GET_TRAIN = routeKey(ROUTES.getTrain);
  const BOOK_SLOT = routeKey(ROUTES.bookSlot);
  const CANCEL_SLOT = routeKey(ROUTES.cancelSlotBooking);
  const GET_SLOT = routeKey(ROUTES.getSlotBooking);
  const SLOT_AVAILABILITY = routeKey(ROUTES.getSlotAvailability);
  const PORT_BOARD = routeKey(ROUTES.listPortDeclarations);
  const DASHBOARD = routeKey(ROUTES.getDashboard);

  // Besides its tables: its own log group (logs:*), X-Ray, and the one Step Functions call its code makes.
  const expectedOtherActions: Record<string, string[]> = {
    [SUBMIT]: [],
    [GET]: [],
    [AMEND]: [],
    // The completion's workflow is resumed from the stream (the follower), not by the route.
    [COMPLETE]: [],
    [CANCEL]: [],
    [LIST]: [],
    [EVENTS]: [],
    [OPENAPI]: [],
    [DASHBOARD]: [],
    [PORT_BOARD]: [],
    [PORT_EVENT]: [],
    'state AssessRisk': [],
    'state AwaitTrainArrival': ['states:SendTaskSuccess'],
    'state ReleaseDeclaration': [],
    [REGISTER_WEBHOOK]: [],
    [LIST_WEBHOOKS]: [],
    [DELETE_WEBHOOK]: [],
    [DELIVERIES]: [],
    [FILE_MANIFEST]: [],
    [GET_TRAIN]: [],
    [BOOK_SLOT]: [],
    [CANCEL_SLOT]: [],
    [GET_SLOT]: [],
    [SLOT_AVAILABILITY]: [],
    'state DeliverEvent': [],
    [STREAM_DISPATCHER]: ['states:StartExecution'],
    [OFFICER_TASKS]: [],
    [DECIDE]: [],
    [PROVIDE_DOCUMENTS]: [],
    'step OpenOfficerTaskFn': ['states:SendTaskSuccess'],
    'step FlagSlaBreachFn': [],
    // It resumes the waits a train's event ends, and reads the stream it follows.
    'step FollowPortEventsFn': ['states:SendTaskSuccess'],
    'step EscalateOfficerTaskFn': [],
    'step AwaitBrokerDocumentsFn': ['states:SendTaskSuccess'],
    // The request functions queue their commands; this one carries them out.
    'step RunWorkflowCommandsFn': ['states:SendTaskSuccess', 'states:StartExecution', 'states:StopExecution'],
  };
  for (const [key, expected] of Object.entries(expectedOtherActions)) {
    it(`${key} may do nothing else but ${JSON.stringify(expected)}, logging and tracing`, () => {
      const allowed = [...allowedActions(template, functionFor(key)).keys()];
      const others = allowed.filter((a) => !/^(dynamodb|logs|xray):/.test(a)).sort();
      assert.deepEqual(others, expected);
      assert.deepEqual(allowed.filter((a) => a.startsWith('xray:')).sort(), [
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ]);
    });
  }

  it('the workflow-command runner may start every workflow and resume its tasks', () => {
    const allowed = allowedActions(template, workflowCommandRunner());
    assert.deepEqual(
      (allowed.get('states:StartExecution') ?? []).map((arn) => (isRef(arn) ? arn.Ref : arn)).sort(),
      stateMachineIds,
    );
    assert.equal((allowed.get('states:SendTaskSuccess') ?? []).length, stateMachineIds.length);
  });

  it('the stream dispatcher may start the webhook delivery machine, and no clearance workflow', () => {
    const allowed = allowedActions(template, String(streamDispatcherId));
    assert.deepEqual(allowed.get('states:StartExecution'), [{ Ref: deliveryMachineId }]);
  });

  it('no function behind a route may call Step Functions: they queue workflow commands', () => {
    for (const route of ROUTE_LIST) {
      const allowed = [...allowedActions(template, functionBehindRoute(template, routeKey(route))).keys()];
      assert.deepEqual(
        allowed.filter((action) => action.startsWith('states:')),
        [],
        routeKey(route),
      );
    }
  });

  // What the code calls (functions/adapters/*, functions/shared/idempotency.ts), per function.
  const expectedTableActions: Record<
    string,
    {
      declarations: string[];
      idempotency?: string[];
      brokerIndex?: string[];
      queueIndex?: string[];
      boardIndex?: string[];
      declarationsStream?: string[];
    }
  > = {
    [SUBMIT]: {
      // UpdateItem: the declaration-number counter.
      declarations: ['GetItem', 'PutItem', 'UpdateItem'],
      idempotency: ['DeleteItem', 'PutItem', 'UpdateItem'],
    },
    [GET]: { declarations: ['GetItem', 'Query'] },
    [AMEND]: { declarations: ['GetItem', 'PutItem', 'Query', 'UpdateItem'] },
    [COMPLETE]: { declarations: ['GetItem', 'PutItem', 'Query', 'UpdateItem'] },
    [LIST]: { declarations: ['Query'], brokerIndex: ['Query'] },
    [EVENTS]: { declarations: ['Query'] },
    [OPENAPI]: { declarations: [] },
    // The page reads nothing itself: it calls the API with the user's token.
    [DASHBOARD]: { declarations: [] },
    // The heads through GSI3, then each one's transport from its document in one batch.
    [PORT_BOARD]: { declarations: ['BatchGetItem', 'Query'], boardIndex: ['Query'] },
    // A truck's gate-in or exit also records its stage (or a hold) on the declaration.
    [PORT_EVENT]: {
      declarations: ['DeleteItem', 'GetItem', 'PutItem', 'Query', 'UpdateItem'],
      idempotency: ['DeleteItem', 'PutItem', 'UpdateItem'],
    },
    // It reads the consignee's record at the port (TraderHistory.hasClearedBefore).
    'state AssessRisk': { declarations: ['GetItem', 'PutItem', 'Query', 'UpdateItem'] },
    // A road wait also finds the waits on its truck's plate (Query).
    'state AwaitTrainArrival': { declarations: ['DeleteItem', 'GetItem', 'PutItem', 'Query', 'UpdateItem'] },
    // A release is recorded as a clearance (TraderHistory.recordClearance): a Put it already had.
    // …and accounts for the declaration's line of its train's manifest (Query of the lines).
    'state ReleaseDeclaration': { declarations: ['GetItem', 'PutItem', 'Query', 'UpdateItem'] },
    [REGISTER_WEBHOOK]: {
      declarations: ['PutItem', 'UpdateItem'],
      idempotency: ['DeleteItem', 'PutItem', 'UpdateItem'],
    },
    [LIST_WEBHOOKS]: { declarations: ['Query'] },
    [DELETE_WEBHOOK]: { declarations: ['DeleteItem', 'UpdateItem'] },
    [DELIVERIES]: { declarations: ['GetItem', 'Query'] },
    [FILE_MANIFEST]: { declarations: ['GetItem', 'PutItem'] },
    // It records the cancellation, removes the waits, closes an officer's task and the manifest line.
    [CANCEL]: { declarations: ['DeleteItem', 'GetItem', 'PutItem', 'Query', 'UpdateItem'] },
    [GET_TRAIN]: { declarations: ['GetItem'] },
    // A slot change is one transaction: the head's version, the booking, the hours' counters, history and outbox.
    [BOOK_SLOT]: { declarations: ['GetItem', 'PutItem', 'UpdateItem'] },
    [CANCEL_SLOT]: { declarations: ['DeleteItem', 'GetItem', 'PutItem', 'UpdateItem'] },
    [GET_SLOT]: { declarations: ['GetItem'] },
    [SLOT_AVAILABILITY]: { declarations: ['Query'] },
    'state DeliverEvent': { declarations: ['GetItem', 'PutItem', 'UpdateItem'] },
    [STREAM_DISPATCHER]: {
      declarations: ['Query'],
      declarationsStream: ['DescribeStream', 'GetRecords', 'GetShardIterator', 'ListStreams'],
    },
    [OFFICER_TASKS]: { declarations: ['Query'], queueIndex: ['Query'] },
    [DECIDE]: { declarations: ['GetItem', 'PutItem', 'Query', 'UpdateItem'] },
    [PROVIDE_DOCUMENTS]: { declarations: ['GetItem', 'PutItem', 'UpdateItem'] },
    'step OpenOfficerTaskFn': { declarations: ['GetItem', 'PutItem', 'UpdateItem'] },
    'step EscalateOfficerTaskFn': { declarations: ['GetItem', 'PutItem'] },
    'step AwaitBrokerDocumentsFn': { declarations: ['GetItem', 'PutItem'] },
    'step FlagSlaBreachFn': { declarations: ['GetItem', 'PutItem', 'UpdateItem'] },
    'step FollowPortEventsFn': {
      declarations: ['DeleteItem', 'GetItem', 'PutItem', 'Query', 'UpdateItem'],
      declarationsStream: ['DescribeStream', 'GetRecords', 'GetShardIterator', 'ListStreams'],
    },
    'step RunWorkflowCommandsFn': {
      declarations: [],
      declarationsStream: ['DescribeStream', 'GetRecords', 'GetShardIterator', 'ListStreams'],
    },
  };

  it('every function is covered by the table below', () => {
    const covered = new Set(Object.keys(expectedTableActions).map(functionFor));
    assert.deepEqual([...covered].sort(), functions.map(([id]) => id).sort());
  });

  for (const [key, expected] of Object.entries(expectedTableActions)) {
    it(`${key} may do exactly ${JSON.stringify(expected)} on the tables and indexes`, () => {
      assert.deepEqual(tableGrantsOf(template, functionFor(key)), {
        declarations: expected.declarations,
        idempotency: expected.idempotency ?? [],
        brokerIndex: expected.brokerIndex ?? [],
        queueIndex: expected.queueIndex ?? [],
        boardIndex: expected.boardIndex ?? [],
        declarationsStream: expected.declarationsStream ?? [],
      });
    });
  }
});

/**
 * Every DynamoDB action a function's role allows, by table, index or stream; fails on any other DynamoDB
 * resource (`*`, another table's stream, every stream of a table).
 */
function tableGrantsOf(
  template: Template,
  functionId: string,
): {
  declarations: string[];
  idempotency: string[];
  brokerIndex: string[];
  queueIndex: string[];
  boardIndex: string[];
  declarationsStream: string[];
} {
  const grants = {
    declarations: new Set<string>(),
    idempotency: new Set<string>(),
    brokerIndex: new Set<string>(),
    queueIndex: new Set<string>(),
    boardIndex: new Set<string>(),
    declarationsStream: new Set<string>(),
  };
  for (const [action, resources] of allowedActions(template, functionId)) {
    if (!action.startsWith('dynamodb:')) continue;
    for (const resource of resources) {
      const table =
        tableOfArn(resource) ??
        (isIndexArn(resource, 'GSI1')
          ? 'brokerIndex'
          : isIndexArn(resource, 'GSI2')
            ? 'queueIndex'
            : isIndexArn(resource, 'GSI3')
              ? 'boardIndex'
              : isDeclarationsStreamArn(resource)
                ? 'declarationsStream'
                : undefined);
      assert.ok(table !== undefined, `${functionId}: ${action} on ${JSON.stringify(resource)}, which is not a table`);
      grants[table].add(action.slice('dynamodb:'.length));
    }
  }
  return {
    declarations: [...grants.declarations].sort(),
    idempotency: [...grants.idempotency].sort(),
    brokerIndex: [...grants.brokerIndex].sort(),
    queueIndex: [...grants.queueIndex].sort(),
    boardIndex: [...grants.boardIndex].sort(),
    declarationsStream: [...grants.declarationsStream].sort(),
  };
}

/** Exactly the declarations table's stream ARN (exported by the stateful stack), not a wildcard over streams. */
function isDeclarationsStreamArn(resource: unknown): boolean {
  const imported = (resource as { 'Fn::ImportValue'?: unknown } | null)?.['Fn::ImportValue'];
  return typeof imported === 'string' && imported.includes(`:ExportsOutputFnGetAtt${tableIds.declarations}StreamArn`);
}

/**
 * `<declarations table ARN>/index/<name>`, as bindTable names an index (GSI1 by broker, GSI2 the officers' queues,
 * GSI3 the port's board).
 */
function isIndexArn(resource: unknown, index: 'GSI1' | 'GSI2' | 'GSI3'): boolean {
  const text = JSON.stringify(resource);
  return text.includes(`ExportsOutputFnGetAtt${tableIds.declarations}Arn`) && text.includes(`/index/${index}"`);
}

/** The table whose ARN (exported by the stateful stack) a resource is, if it is exactly a table ARN. */
function tableOfArn(resource: unknown): 'declarations' | 'idempotency' | undefined {
  const imported = (resource as { 'Fn::ImportValue'?: unknown } | null)?.['Fn::ImportValue'];
  if (typeof imported !== 'string') return undefined;
  for (const [table, logicalId] of Object.entries(tableIds)) {
    if (imported.includes(`:ExportsOutputFnGetAtt${logicalId}Arn`)) {
      return table as 'declarations' | 'idempotency';
    }
  }
  return undefined;
}
