import { type App, type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { type CfnMethod, Method, RestApi } from 'aws-cdk-lib/aws-apigateway';
import { UserPool } from 'aws-cdk-lib/aws-cognito';
import type { Policy } from 'aws-cdk-lib/aws-iam';
import { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import type { StageSettings } from './config.ts';
import { PreClearanceFunction } from './constructs/pre-clearance-function.ts';

/**
 * Runs cdk-nag's AWS Solutions pack when the app synthesizes, which then fails on any finding (error or
 * warning) not acknowledged below. test/infra/security-checks.test.ts runs the same pack and names each one.
 */
export function enforceSecurityChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}

/** Actions that AWS authorises only on `*` (no resource-level permissions), by the feature that needs them. */
export const ACTIONS_WITHOUT_RESOURCE_SCOPE = {
  xrayTracing: [
    'xray:PutTraceSegments',
    'xray:PutTelemetryRecords',
    'xray:GetSamplingRules',
    'xray:GetSamplingTargets',
  ],
  stepFunctionsLogDelivery: [
    'logs:CreateLogDelivery',
    'logs:GetLogDelivery',
    'logs:UpdateLogDelivery',
    'logs:DeleteLogDelivery',
    'logs:ListLogDeliveries',
    'logs:PutResourcePolicy',
    'logs:DescribeResourcePolicies',
    'logs:DescribeLogGroups',
  ],
} as const;

const STAR_GUARD =
  'Every other statement names its resource: test/infra/security-checks.test.ts fails if any other action is granted on "*".';

/**
 * Every finding the app keeps, with the reason it is kept. This is the only place that acknowledges one.
 * Each acknowledgement is as narrow as cdk-nag allows: one rule (one finding of IAM5) on one resource.
 */
const REASONS = {
  lambdaRuntimePinned:
    'Pinned to nodejs22.x on purpose: the local harness and CI run these very bundles on Node 22 (npm package ' +
    'node@22), so what is tested is what runs; Node 22 is a maintained LTS line until April 2027. Move the ' +
    'runtime, the esbuild target and the harness Node together when upgrading.',
  functionXray:
    'Resource "*" holds only xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing), which support ' +
    `no resource-level permissions. ${STAR_GUARD}`,
  stateMachineStar:
    'Resource "*" holds only X-Ray tracing (PutTraceSegments, PutTelemetryRecords, GetSamplingRules, ' +
    'GetSamplingTargets) and the CloudWatch Logs delivery actions Step Functions logging needs (Create/Get/' +
    'Update/Delete/ListLogDeliveries, PutResourcePolicy, DescribeResourcePolicies, DescribeLogGroups), none ' +
    `of which supports resource-level permissions. ${STAR_GUARD}`,
  stepFunctionQualifiers: (functionPath: string) =>
    `lambda:InvokeFunction on the versions and aliases of ${functionPath}, one of this machine's own steps; ` +
    "CDK's LambdaInvoke grants them beside the unqualified ARN, and the wildcard stays within that one function.",
  stopExecutions: (machinePath: string) =>
    `states:StopExecution on the executions of ${machinePath}: an execution is named after its declaration at ` +
    'run time, so its ARN ends in a wildcard; the grant stays within that one machine (the broker’s cancellation).',
  requestValidation:
    'Requests are validated in the function against the route JSON schema (Ajv, with formats such as the ISO ' +
    '6346 container check digit that API Gateway draft-4 models cannot express) and refused as RFC 9457 ' +
    'problem+json naming each field and rule. A gateway validator would answer first, in its own format, with ' +
    'fewer rules, and the offline harness could not reproduce it. An invalid request costs one short invocation, ' +
    'bounded by the stage throttle.',
  webAcl:
    'A WAFv2 web ACL is an account or organisation resource (Firewall Manager), associated outside this app. ' +
    'Here every method needs a Cognito token, no route is anonymous, and the stage is throttled.',
  executionLogs:
    'Execution logs go to a log group API Gateway creates outside the stack (no retention, outlives a destroyed ' +
    'sandbox) and at INFO may hold request fragments. The stage JSON access log (BrokerApi.accessLogs) records ' +
    'every request with status, error message and integration error.',
  machineCallersNoMfa:
    'Callers are systems, not people: broker and port systems sign in unattended (SRP with a credential an ' +
    'administrator issued), so a TOTP or SMS second factor would need a person at every sign-in. Instead: no ' +
    'self sign-up, no hosted UI or OAuth flows, recovery by the administrator only, 12-character complex ' +
    'passwords, one-hour id tokens, and threat protection on prod and staging.',
  publicContract:
    "The published API contract (GET /v1/openapi.json, the route registry's only public route) needs no token on " +
    'purpose: it holds no data, only the description brokers generate their clients from. It is read-only, ' +
    'answers the same document to everyone, and the stage throttle bounds it.',
  sandboxPoolEssentials:
    'Sandbox pools hold test identities an administrator creates; threat protection (Plus tier, billed per ' +
    'monthly active user) is on for prod and staging, where it blocks sign-ins with leaked credentials.',
} as const;

/** Records the reviewed findings on the constructs they concern (construct metadata, not template content). */
export function acknowledgeReviewedFindings(app: IConstruct, settings: StageSettings): void {
  for (const construct of app.node.findAll()) {
    if (construct instanceof PreClearanceFunction) {
      acknowledge(construct, 'AwsSolutions-L1', REASONS.lambdaRuntimePinned);
      acknowledge(defaultPolicyOf(construct.role?.node), 'AwsSolutions-IAM5[Resource::*]', REASONS.functionXray);
    } else if (construct instanceof StateMachine) {
      const policy = defaultPolicyOf(construct.role.node);
      acknowledge(policy, 'AwsSolutions-IAM5[Resource::*]', REASONS.stateMachineStar);
      const machineId = Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);
      for (const fn of functionsStoppingExecutionsOf(construct, machineId)) {
        acknowledge(
          defaultPolicyOf(fn.role?.node),
          `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${machineId}"}]}]}:*]`,
          REASONS.stopExecutions(construct.node.path),
        );
      }
      for (const fn of invokedFunctionsOf(construct)) {
        const logicalId = Stack.of(fn).getLogicalId(fn.node.defaultChild as CfnElement);
        acknowledge(
          policy,
          `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`,
          REASONS.stepFunctionQualifiers(fn.node.path),
        );
      }
    } else if (construct instanceof RestApi) {
      acknowledge(construct, 'AwsSolutions-APIG2', REASONS.requestValidation);
      acknowledge(construct.deploymentStage, 'AwsSolutions-APIG3', REASONS.webAcl);
      acknowledge(construct.deploymentStage, 'AwsSolutions-APIG6', REASONS.executionLogs);
    } else if (construct instanceof Method && isPublic(construct)) {
      acknowledge(construct, 'AwsSolutions-APIG4', REASONS.publicContract);
      acknowledge(construct, 'AwsSolutions-COG4', REASONS.publicContract);
    } else if (construct instanceof UserPool) {
      acknowledge(construct, 'AwsSolutions-COG2', REASONS.machineCallersNoMfa);
      if (settings.isSandbox) acknowledge(construct, 'AwsSolutions-COG8', REASONS.sandboxPoolEssentials);
    }
  }
}

/** A method the route registry declares public (BrokerApi gives those no authorizer). */
function isPublic(method: Method): boolean {
  return (method.node.defaultChild as CfnMethod).authorizationType === 'NONE';
}

function acknowledge(construct: IConstruct, id: string, reason: string): void {
  Validations.of(construct).acknowledge({ id, reason });
}

function defaultPolicyOf(roleNode: IConstruct['node'] | undefined): Policy {
  const policy = roleNode?.tryFindChild('DefaultPolicy');
  if (policy === undefined) throw new Error(`${roleNode?.path ?? 'a function'}: its role has no policy to review`);
  return policy as Policy;
}

/** The functions of this app whose role may stop this machine's executions. */
function functionsStoppingExecutionsOf(machine: StateMachine, machineId: string): PreClearanceFunction[] {
  const functions = machine.node.root.node.findAll().filter((c) => c instanceof PreClearanceFunction);
  return functions.filter((fn) => {
    const policy = fn.role?.node.tryFindChild('DefaultPolicy') as Policy | undefined;
    if (policy === undefined) return false;
    const document = JSON.stringify(Stack.of(fn).resolve(policy.document.toJSON()));
    return document.includes('states:StopExecution') && document.includes(machineId);
  });
}

/** The functions of this app whose versions and aliases the machine's role may invoke. */
function invokedFunctionsOf(machine: StateMachine): PreClearanceFunction[] {
  const functions = machine.node.root.node.findAll().filter((c) => c instanceof PreClearanceFunction);
  const document = JSON.stringify(Stack.of(machine).resolve(defaultPolicyOf(machine.role.node).document.toJSON()));
  return functions.filter((fn) => {
    const logicalId = Stack.of(fn).getLogicalId(fn.node.defaultChild as CfnElement);
    return document.includes(JSON.stringify({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId, 'Arn'] }, ':*']] }));
  });
}
