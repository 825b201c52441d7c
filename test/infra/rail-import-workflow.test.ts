import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_ARRIVAL_TIMEOUT } from '../../infra/config.ts';
import {
  type AslState,
  actionsOf,
  allowedActions,
  isGetAtt,
  isRef,
  onlyResourceOf,
  type PolicyStatement,
  parseDefinition,
  resourcesOf,
  type StateMachineProps,
  synthApp,
  tokenBehind,
} from './cdk-app.ts';

function workflowOf(context: Record<string, unknown>) {
  const { statelessTemplate: template } = synthApp(context);
  const [stateMachineId, stateMachine] = onlyResourceOf<StateMachineProps>(
    template,
    'AWS::StepFunctions::StateMachine',
  );
  const { asl, tokens } = parseDefinition(stateMachine.Properties.DefinitionString);
  const state = (name: string): AslState => {
    const found = asl.States[name];
    assert.ok(found !== undefined, `the workflow has no state ${name}`);
    return found;
  };
  return { template, stateMachineId, stateMachine: stateMachine.Properties, asl, tokens, state };
}

const standard = workflowOf({ stage: 'test' });
const quickArrival = workflowOf({ stage: 'test', arrivalTimeoutSeconds: 5 });
const tasks = Object.entries(standard.asl.States).filter(([, state]) => state.Type === 'Task');

describe('rail-import workflow: the state machine', () => {
  it('is a STANDARD machine named after the stage', () => {
    assert.equal(standard.stateMachine.StateMachineType, 'STANDARD');
    assert.match(standard.stateMachine.StateMachineName ?? '', /(^|-)test(-|$)/);
  });

  it('logs every event (level ALL) to a log group with retention, and is traced with X-Ray', () => {
    assert.equal(standard.stateMachine.LoggingConfiguration?.Level, 'ALL');
    const logGroupArn =
      standard.stateMachine.LoggingConfiguration?.Destinations?.[0]?.CloudWatchLogsLogGroup?.LogGroupArn;
    assert.ok(isGetAtt(logGroupArn), 'logs go to a log group of this stack');
    const logGroup = standard.template.findResources('AWS::Logs::LogGroup')[logGroupArn['Fn::GetAtt'][0]];
    assert.ok((logGroup?.Properties?.RetentionInDays ?? 0) > 0, 'the log group keeps logs for a bounded time');
    assert.deepEqual(standard.stateMachine.TracingConfiguration, { Enabled: true });
  });
});

describe("rail-import workflow: the machine's role", () => {
  it('may invoke its own step functions (and their versions) and nothing else but logging and tracing', () => {
    const stepFunctions = new Set(
      tasks.map(([, task]) => {
        const target = tokenBehind(task.Parameters?.FunctionName ?? task.Resource, standard.tokens);
        assert.ok(isGetAtt(target));
        return target['Fn::GetAtt'][0];
      }),
    );
    const roleId = (standard.stateMachine as { RoleArn?: { 'Fn::GetAtt'?: [string, string] } }).RoleArn?.[
      'Fn::GetAtt'
    ]?.[0];
    const statements = resourcesOf<{ Roles: unknown[]; PolicyDocument: { Statement: PolicyStatement[] } }>(
      standard.template,
      'AWS::IAM::Policy',
    )
      .filter(([, policy]) => policy.Properties.Roles.some((role) => isRef(role) && role.Ref === roleId))
      .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement);
    const invoked = new Set<string>();
    for (const statement of statements) {
      const actions = actionsOf(statement);
      if (actions.includes('lambda:InvokeFunction')) {
        assert.deepEqual(actions, ['lambda:InvokeFunction']);
        for (const resource of [statement.Resource].flat()) {
          const text = JSON.stringify(resource);
          const id = /"Fn::GetAtt":\["([^"]+)","Arn"\]/.exec(text)?.[1];
          assert.ok(id !== undefined && stepFunctions.has(id), `invokes ${text}`);
          invoked.add(id);
        }
      } else {
        assert.equal(statement.Resource, '*');
        for (const action of actions) assert.match(action, /^(xray|logs):/);
      }
    }
    assert.deepEqual([...invoked].sort(), [...stepFunctions].sort());
  });
});

describe('rail-import workflow: what its logs may hold', () => {
  it('logs states and transitions without their input and output, which carry the declaration', () => {
    assert.equal(standard.stateMachine.LoggingConfiguration?.IncludeExecutionData, false);
  });
});

describe('rail-import workflow: the definition', () => {
  it('is JSONPath ASL (no JSONata anywhere)', () => {
    assert.notEqual(standard.asl.QueryLanguage, 'JSONata');
    for (const [name, state] of Object.entries(standard.asl.States))
      assert.notEqual(state.QueryLanguage, 'JSONata', name);
  });

  it('starts by validating the declaration', () => {
    assert.equal(standard.asl.StartAt, 'ValidateDeclaration');
    assert.equal(standard.state('ValidateDeclaration').Type, 'Task');
  });

  it('gives every Task an explicit timeout, so no step can hang the workflow', () => {
    assert.ok(tasks.length > 0);
    for (const [name, task] of tasks) {
      assert.ok(
        Number.isInteger(task.TimeoutSeconds) && (task.TimeoutSeconds ?? 0) > 0,
        `${name} has no TimeoutSeconds`,
      );
    }
  });

  it('fails at once on a permanent error instead of retrying it as a transient TaskFailed', () => {
    for (const [name, task] of tasks) {
      const retry = task.Retry ?? [];
      const permanent = retry.findIndex((r) => r.ErrorEquals.includes('TransitionNotAllowed'));
      const transient = retry.findIndex((r) => r.ErrorEquals.includes('States.TaskFailed'));
      assert.ok(permanent >= 0 && transient > permanent, `${name}: permanent errors must be listed before TaskFailed`);
      assert.equal(retry[permanent]?.MaxAttempts, 0, name);
    }
  });
});

describe('rail-import workflow: waiting for the train', () => {
  const wait = standard.state('AwaitTrainArrival');

  it('parks on a task token: AwaitTrainArrival invokes its Lambda with .waitForTaskToken and hands it the token', () => {
    assert.equal(wait.Type, 'Task');
    assert.ok(wait.Resource?.endsWith('lambda:invoke.waitForTaskToken'), `Resource was ${wait.Resource}`);
    const payload = wait.Parameters?.Payload as Record<string, unknown> | undefined;
    assert.equal(payload?.['taskToken.$'], '$$.Task.Token');
  });

  it('waits the default arrival timeout (7 days = 604800 s) when none is configured', () => {
    assert.equal(DEFAULT_ARRIVAL_TIMEOUT.toSeconds(), 604800);
    assert.equal(wait.TimeoutSeconds, 604800);
  });

  it('waits as long as context arrivalTimeoutSeconds says (5 s)', () => {
    assert.equal(quickArrival.state('AwaitTrainArrival').TimeoutSeconds, 5);
  });

  it('sends a declaration whose train never came to an officer: States.Timeout → ReviewMissedArrival', () => {
    const onTimeout = wait.Catch?.find((c) => c.ErrorEquals.includes('States.Timeout'));
    assert.equal(onTimeout?.Next, 'ReviewMissedArrival');
    assert.equal(standard.state('ReviewMissedArrival').Type, 'Task');
  });

  it('lets the whole execution outlive the arrival wait, so the timeout branch can still run', () => {
    for (const { asl, state } of [standard, quickArrival]) {
      const waitSeconds = state('AwaitTrainArrival').TimeoutSeconds ?? Number.POSITIVE_INFINITY;
      assert.ok((asl.TimeoutSeconds ?? Number.POSITIVE_INFINITY) > waitSeconds);
    }
  });

  it('lets the waiting function resume its own task when the train arrived first (SendTaskSuccess on this machine)', () => {
    const functionName = tokenBehind(wait.Parameters?.FunctionName, standard.tokens);
    assert.ok(isGetAtt(functionName), 'AwaitTrainArrival invokes a function of this stack');
    const resources = allowedActions(standard.template, functionName['Fn::GetAtt'][0]).get('states:SendTaskSuccess');
    assert.equal(resources?.length, 1, 'SendTaskSuccess is granted on one resource');
    // Granted by name (a Ref would make machine and function depend on each other): an ARN built from it.
    const [arn] = resources ?? [];
    const parts = (arn as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join']?.[1] ?? [arn];
    const tail = parts.at(-1);
    assert.equal(typeof tail, 'string');
    assert.ok(String(tail).endsWith(`:stateMachine:${standard.stateMachine.StateMachineName}`), `ARN ends ${tail}`);
  });
});
