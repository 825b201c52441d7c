import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Match } from 'aws-cdk-lib/assertions';
import { WORKFLOW_IDS } from '#domain/declaration-types/registry.ts';
import { stateMachineArnVariable } from '#shared/env.ts';
import { ROUTE_LIST, ROUTES, type RouteDefinition } from '#shared/routes.ts';
import {
  allowedActions,
  apiRoutes,
  functionBehindRoute,
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

const { statelessTemplate: template } = synthApp({ stage: 'test' });
const functions = resourcesOf<LambdaFunctionProps>(template, 'AWS::Lambda::Function');
const logGroups = new Map(resourcesOf<LogGroupProps>(template, 'AWS::Logs::LogGroup'));
const stateMachineIds = resourcesOf(template, 'AWS::StepFunctions::StateMachine')
  .map(([id]) => id)
  .sort();
const envOf = (fn: LambdaFunctionProps) => fn.Environment?.Variables ?? {};
const functionsWith = (variable: string) =>
  functions
    .filter(([, fn]) => variable in envOf(fn.Properties))
    .map(([id]) => id)
    .sort();
const envOfFunction = (logicalId: string) => {
  const found = functions.find(([id]) => id === logicalId);
  assert.ok(found !== undefined, `no Lambda function ${logicalId}`);
  return envOf(found[1].Properties);
};

const routeKey = (route: RouteDefinition) => `${route.method} ${route.path}`;
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

  it('names its Powertools service', () => {
    for (const [id, fn] of functions) assert.equal(envOf(fn.Properties).POWERTOOLS_SERVICE_NAME, 'preclearance', id);
  });
});

describe('stateless stack: each function is told where its resources are', () => {
  it('every function but the public contract reads or writes declarations, and gets DECLARATIONS_TABLE_NAME', () => {
    const openApi = functionBehindRoute(template, routeKey(ROUTES.getOpenApi));
    assert.deepEqual(
      functionsWith('DECLARATIONS_TABLE_NAME'),
      functions
        .map(([id]) => id)
        .filter((id) => id !== openApi)
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

  it('the filing function, which starts workflows, and only it, gets the ARN of every workflow', () => {
    const fileId = functionBehindRoute(template, SUBMIT);
    assert.equal(stateMachineIds.length, WORKFLOW_IDS.length);
    for (const workflow of WORKFLOW_IDS) {
      const variable = stateMachineArnVariable(workflow);
      assert.deepEqual(functionsWith(variable), [fileId], variable);
      const arn = envOfFunction(fileId)[variable];
      assert.ok(isRef(arn) && stateMachineIds.includes(arn.Ref), `${variable} names a state machine of this stack`);
    }
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

  it('deploys to an API stage named after the stage', () => {
    template.resourceCountIs('AWS::ApiGateway::Stage', 1);
    template.hasResourceProperties('AWS::ApiGateway::Stage', { StageName: 'test' });
  });
});

describe('stateless stack: least privilege', () => {
  it('the filing function may start every workflow', () => {
    const allowed = allowedActions(template, functionBehindRoute(template, SUBMIT));
    assert.deepEqual(
      (allowed.get('states:StartExecution') ?? []).map((arn) => (isRef(arn) ? arn.Ref : arn)).sort(),
      stateMachineIds,
    );
  });

  it('the port-event function may resume waiting workflows (SendTaskSuccess) of every machine, and start none', () => {
    const allowed = allowedActions(template, functionBehindRoute(template, PORT_EVENT));
    assert.deepEqual(
      (allowed.get('states:SendTaskSuccess') ?? []).map((arn) => (isRef(arn) ? arn.Ref : arn)).sort(),
      stateMachineIds,
    );
    assert.equal(allowed.has('states:StartExecution'), false);
  });

  it('the get-declaration function only reads: no PutItem, UpdateItem, DeleteItem or BatchWriteItem', () => {
    const allowed = allowedActions(template, functionBehindRoute(template, GET));
    for (const read of ['dynamodb:GetItem', 'dynamodb:Query']) assert.ok(allowed.has(read), `may ${read}`);
    for (const write of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem']) {
      assert.equal(allowed.has(write), false, `may not ${write}`);
    }
    assert.ok(
      [...allowed.keys()].every((action) => !/^dynamodb:\*$|^\*$/.test(action)),
      'no wildcard action',
    );
  });
});
