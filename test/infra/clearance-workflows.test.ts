import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StateMachine } from 'aws-local-stepfunctions';

type JSONValue = null | boolean | number | string | JSONValue[] | { [key: string]: JSONValue };

import { WORKFLOW_IDS, WORKFLOWS, type WorkflowId } from '#domain/declaration-types/registry.ts';
import { WORKFLOW_ERRORS } from '#domain/errors.ts';
import { STATUS, TRANSITION } from '#domain/lifecycle.ts';
import { RISK_CHANNEL } from '#domain/risk.ts';
import { type AslDefinition, parseDefinition, resourcesOf, type StateMachineProps, synthApp } from './cdk-app.ts';

/**
 * The synthesized workflows, run: each definition as `cdk synth` emits it, executed by aws-local-stepfunctions
 * with its Lambda tasks replaced by scripted answers. The tests assert on the states an execution passes
 * through and on what each task was asked to do, never on the text of the definition.
 */
function definitionsOf(context: Record<string, unknown>): Map<string, AslDefinition> {
  const { statelessTemplate } = synthApp(context);
  return new Map(
    resourcesOf<StateMachineProps>(statelessTemplate, 'AWS::StepFunctions::StateMachine').map(([, machine]) => {
      const { asl } = parseDefinition(machine.Properties.DefinitionString);
      // Token placeholders stand where function ARNs go; the tasks are replaced by local handlers anyway.
      const text = JSON.stringify(asl)
        .replace(/arn:<TOKEN:\d+>:/g, 'arn:aws:')
        .replace(/<TOKEN:(\d+)>/g, 'arn:aws:lambda:us-east-1:000000000000:function:f$1');
      return [String(machine.Properties.StateMachineName), JSON.parse(text) as AslDefinition];
    }),
  );
}

const standard = definitionsOf({ stage: 'test' });
const quickTimeout = definitionsOf({ stage: 'test', arrivalTimeoutSeconds: 1 });
const definitionOf = (definitions: Map<string, AslDefinition>, workflow: WorkflowId) => {
  const found = definitions.get(`preclearance-test-${workflow}`);
  assert.ok(found !== undefined, `no state machine for ${workflow}`);
  return found;
};

/** The name of the state that waits for the workflow's milestone (AwaitTrainArrival, AwaitGateIn). */
function waitStateOf(definition: AslDefinition): string {
  const [name] = Object.entries(definition.States).find(([, state]) =>
    String(state.Resource).endsWith('.waitForTaskToken'),
  ) ?? [''];
  return name;
}

interface Scripted {
  readonly risk?: (attempt: number) => JSONValue;
  /** Undefined: the port never reports (the wait times out). */
  readonly milestone?: JSONValue;
}

async function run(definition: AslDefinition, script: Scripted) {
  const transitions: Record<string, unknown>[] = [];
  let riskAttempts = 0;
  const machine = new StateMachine(definition as never, { validationOptions: { checkArn: false } });
  const handlers: Record<string, (input: JSONValue) => Promise<JSONValue>> = {};
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Type !== 'Task') continue;
    if (name === 'AssessRisk') {
      handlers[name] = async () => (script.risk ?? (() => ({ channel: RISK_CHANNEL.GREEN })))(++riskAttempts);
    } else if (name === waitStateOf(definition)) {
      handlers[name] = () =>
        script.milestone === undefined ? new Promise<JSONValue>(() => undefined) : Promise.resolve(script.milestone);
    } else {
      handlers[name] = async (input) => {
        transitions.push({ state: name, ...(input as Record<string, unknown>) });
        return { status: 'ok', applied: true };
      };
    }
  }
  const execution = machine.run(
    { declarationId: 'DCL-000000000000000000000001' },
    {
      overrides: {
        taskResourceLocalHandlers: handlers,
        // Retries wait 1 s, 2 s…: the path matters here, not the waiting.
        retryIntervalOverrides: Object.fromEntries(Object.keys(handlers).map((name) => [name, 0])),
      },
      // Step Functions hands a waiting task its token through the context object.
      context: { Task: { Token: 'test-task-token' } },
    },
  );
  const entered: string[] = [];
  const logs = (async () => {
    for await (const event of execution.eventLogs) if (event.type === 'StateEntered') entered.push(event.state.name);
  })();
  const outcome = await execution.result.then(
    () => ({ ok: true as const }),
    (error: Error) => ({ ok: false as const, error: (error.cause as Error | undefined)?.name ?? error.name }),
  );
  await logs;
  return { entered, transitions, outcome, riskAttempts };
}

const arrival = {
  milestone: 'TRAIN_ARRIVED',
  portEventId: 'evt-1',
  occurredAt: '2026-11-21T08:00:00Z',
  reportedBy: { kind: 'railway', id: 'rw-1' },
  facts: { trainNumber: 'X8001' },
};

// The rail workflow has its own stages (test/infra/rail-import-workflow.test.ts); the others are built here.
for (const workflow of WORKFLOW_IDS.filter((id) => id !== 'rail-import')) {
  describe(`the ${workflow} workflow (waits for ${WORKFLOWS[workflow].awaits})`, () => {
    const definition = definitionOf(standard, workflow);
    const wait = waitStateOf(definition);

    it('has one state that waits for the port, with an explicit timeout', () => {
      assert.ok(wait !== '');
      assert.ok((definition.States[wait]?.TimeoutSeconds ?? 0) > 0);
    });

    it('releases a green-channel declaration once the port reports: assess, wait, record, release', async () => {
      const { entered, transitions, outcome } = await run(definition, { milestone: arrival });
      assert.deepEqual(outcome, { ok: true });
      assert.deepEqual(entered, ['AssessRisk', wait, 'RecordArrival', 'IsGreenChannel', 'ReleaseDeclaration']);
      assert.deepEqual(
        transitions.map((t) => t.transitions ?? t.transition),
        [TRANSITION.RECORD_ARRIVAL, [TRANSITION.SECURE_DUTIES, TRANSITION.RELEASE]],
      );
      // The port's report reaches the step that records it, so its reporter and business time go into history.
      assert.deepEqual(transitions[0]?.milestone, arrival);
    });

    for (const channel of [RISK_CHANNEL.YELLOW, RISK_CHANNEL.RED]) {
      it(`refers a ${channel.toLowerCase()}-channel declaration to an officer after arrival (${STATUS.MANUAL_REVIEW})`, async () => {
        const { entered, transitions } = await run(definition, { risk: () => ({ channel }), milestone: arrival });
        assert.deepEqual(entered.slice(-2), ['IsGreenChannel', 'ReferToOfficer']);
        const referral = transitions.at(-1);
        assert.equal(referral?.transition, TRANSITION.ESCALATE_TO_MANUAL_REVIEW);
        assert.match(String(referral?.reason), new RegExp(`^${channel} channel`));
        assert.deepEqual(referral?.details, { cause: 'RISK_CHANNEL', channel });
      });
    }

    it('retries a step that fails twice with a transient error, then goes on', async () => {
      const { entered, riskAttempts, outcome } = await run(definition, {
        risk: (attempt) => {
          if (attempt <= 2) throw Object.assign(new Error('lost a race'), { name: WORKFLOW_ERRORS.versionConflict });
          return { channel: RISK_CHANNEL.GREEN };
        },
        milestone: arrival,
      });
      assert.equal(riskAttempts, 3);
      assert.deepEqual(outcome, { ok: true });
      assert.equal(entered.at(-1), 'ReleaseDeclaration');
    });

    it('does not retry a step the lifecycle refused: the execution fails at once with that error', async () => {
      const { riskAttempts, outcome, entered } = await run(definition, {
        risk: () => {
          throw Object.assign(new Error('RELEASED cannot be assessed'), { name: WORKFLOW_ERRORS.transitionNotAllowed });
        },
      });
      assert.equal(riskAttempts, 1);
      assert.deepEqual(outcome, { ok: false, error: WORKFLOW_ERRORS.transitionNotAllowed });
      assert.deepEqual(entered, ['AssessRisk']);
    });

    it('sends a declaration whose milestone never comes to an officer when the wait times out', async () => {
      const { entered, transitions, outcome } = await run(definitionOf(quickTimeout, workflow), {});
      assert.deepEqual(outcome, { ok: true });
      assert.deepEqual(entered, ['AssessRisk', wait, 'ReviewMissedArrival']);
      assert.equal(transitions.at(-1)?.transition, TRANSITION.ESCALATE_TO_MANUAL_REVIEW);
      assert.deepEqual(transitions.at(-1)?.details, {
        cause: 'MILESTONE_TIMEOUT',
        milestone: WORKFLOWS[workflow].awaits,
      });
    });
  });
}
