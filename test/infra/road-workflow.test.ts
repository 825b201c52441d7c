import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { StateMachine } from 'aws-local-stepfunctions';
import { WORKFLOW_ERRORS } from '#domain/errors.ts';
import { TRANSITION } from '#domain/lifecycle.ts';
import { OFFICER_DECISIONS as OFFICER_DECISION } from '#domain/officer-tasks.ts';
import { ROAD_WAIT } from '#domain/port-events.ts';
import { RISK_CHANNEL } from '#domain/risk.ts';
import { GATE_CHECK, GATE_CLEARANCE } from '#domain/road-gate.ts';
import { SCAN_RESULT } from '#domain/road-scan.ts';
import { type RoadSteps, RoadWorkflow } from '../../infra/constructs/road-workflow.ts';
import type { AslMachine } from '../../infra/local/asl-support.ts';
import { DYNAMIC_TIMEOUT_PARAMETER, runnableDefinition } from '../../infra/local/time-scale.ts';
import { type AslDefinition, parseDefinition, resourcesOf, type StateMachineProps } from './cdk-app.ts';

type JSONValue = null | boolean | number | string | JSONValue[] | { [key: string]: JSONValue };

/**
 * The highway workflow, run: synthesized by CDK, executed by aws-local-stepfunctions with every Lambda step
 * replaced by a scripted answer. The tests follow a truck from its risk to the border and assert on the states.
 */
function synthesizeRoadWorkflow(): AslDefinition {
  const stack = new Stack(new App(), 'RoadWorkflowTest');
  const fn = (name: keyof RoadSteps) =>
    new LambdaFunction(stack, name, {
      runtime: Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: Code.fromInline('exports.handler = async () => ({})'),
    });
  const names: (keyof RoadSteps)[] = [
    'assessRisk',
    'awaitMilestone',
    'recordTransition',
    'openOfficerTask',
    'escalateOfficerTask',
    'awaitBrokerDocuments',
  ];
  const steps = Object.fromEntries(names.map((name) => [name, fn(name)])) as unknown as RoadSteps;
  new RoadWorkflow(stack, 'Road', { steps, stateMachineName: 'road-test', milestoneTimeout: Duration.seconds(1) });
  const [machine] = resourcesOf<StateMachineProps>(Template.fromStack(stack), 'AWS::StepFunctions::StateMachine');
  assert.ok(machine !== undefined);
  const { asl } = parseDefinition(machine[1].Properties.DefinitionString);
  const text = JSON.stringify(asl)
    .replace(/arn:<TOKEN:\d+>:/g, 'arn:aws:')
    .replace(/<TOKEN:(\d+)>/g, 'arn:aws:lambda:us-east-1:000000000000:function:f$1');
  return runnableDefinition(JSON.parse(text) as AslMachine, 1) as unknown as AslDefinition;
}

const definition = synthesizeRoadWorkflow();

/** Every Task state, including those inside Parallel branches. */
function taskStates(states: AslDefinition['States']): string[] {
  return Object.entries(states).flatMap(([name, state]) => {
    const branches = (state as { Branches?: AslDefinition[] }).Branches ?? [];
    return [...(state.Type === 'Task' ? [name] : []), ...branches.flatMap((branch) => taskStates(branch.States))];
  });
}

const NEVER = Symbol('never answers');
/** A step's answers, one per call (the last one repeats); NEVER leaves a wait hanging until it times out. */
type Script = Record<string, readonly (JSONValue | typeof NEVER)[]>;

async function run(script: Script) {
  const calls: { state: string; input: Record<string, unknown>; at: number }[] = [];
  // Waits still hanging when the execution ends (a branch stopped by its sibling's failure) are settled, as the
  // harness does, so that the runner clears their timers.
  const hanging: ((error: Error) => void)[] = [];
  let ended = false;
  // A permanent error (never retried, caught nowhere): the abandoned branch ends there.
  const executionEnded = () =>
    Object.assign(new Error('execution ended'), { name: WORKFLOW_ERRORS.transitionNotAllowed });
  const count = new Map<string, number>();
  const handlers: Record<string, (input: JSONValue) => Promise<JSONValue>> = {};
  for (const name of taskStates(definition.States)) {
    handlers[name] = (parameters) => {
      // A timeout read from the state input arrives as a parameter (see DYNAMIC_TIMEOUT_PARAMETER).
      const { [DYNAMIC_TIMEOUT_PARAMETER]: timeoutSeconds, ...input } = parameters as Record<string, JSONValue>;
      const { Payload } = input as { Payload?: Record<string, unknown> };
      calls.push({ state: name, input: Payload ?? input, at: Date.now() });
      const answers = script[name] ?? [{}];
      const n = count.get(name) ?? 0;
      count.set(name, n + 1);
      const answer = answers[Math.min(n, answers.length - 1)];
      if (answer !== NEVER) return Promise.resolve(answer as JSONValue);
      return new Promise<JSONValue>((_resolve, reject) => {
        if (ended) return reject(executionEnded());
        hanging.push(reject);
        if (typeof timeoutSeconds !== 'number') return;
        // Unreferenced: a wait the execution abandoned must not keep the test process alive.
        setTimeout(
          () => reject(Object.assign(new Error('timed out'), { name: 'States.Timeout' })),
          timeoutSeconds * 1000,
        ).unref();
      });
    };
  }
  const machine = new StateMachine(definition as never, { validationOptions: { noValidate: true } });
  const execution = machine.run(
    { declarationId: 'DCL-000000000000000000000001' },
    {
      overrides: {
        taskResourceLocalHandlers: handlers,
        retryIntervalOverrides: Object.fromEntries(Object.keys(handlers).map((name) => [name, 0])),
      },
      context: { Task: { Token: 'test-task-token' } },
    },
  );
  const entered: string[] = [];
  const logs = (async () => {
    for await (const event of execution.eventLogs) {
      if (event.type === 'StateEntered') entered.push(event.state.name);
    }
  })();
  const outcome = await execution.result.then(
    () => ({ ok: true as const }),
    (error: Error) => ({
      ok: false as const,
      error: (error.cause as Error | undefined)?.name ?? error.name,
      message: String((error.cause as Error | undefined)?.message ?? error.message),
    }),
  );
  ended = true;
  for (const reject of hanging) reject(executionEnded());
  await logs;
  return { entered, calls, outcome };
}

const GATED_IN_AT = '2026-11-21T08:00:00Z';
const gateIn = (
  gateCheck: string,
  clearance: { clearance: string; clearanceFrom: string } = {
    clearance: GATE_CLEARANCE.AT_ONCE,
    clearanceFrom: GATED_IN_AT,
  },
) => ({
  milestone: 'TRUCK_GATED_IN',
  portEventId: 'gate-1',
  occurredAt: GATED_IN_AT,
  reportedBy: { kind: 'port-operator', id: 'gate-clerk-5' },
  facts: { plate: '123ABC02' },
  gateCheck,
  ...clearance,
});
const risk = (channel: string) => ({ channel });

/** An officer's decision as the workflow is resumed with it: its name and its business time. */
const DECIDED_AT = '2026-11-21T09:30:00.000Z';
const decided = (decision: string, occurredAt = DECIDED_AT) => ({ decision, occurredAt });

describe('the highway workflow, stage by stage', () => {
  it('takes a green truck from its risk through slot, gate and exit to closed in seven billed states', async () => {
    const { entered, calls, outcome } = await run({
      AssessRisk: [risk(RISK_CHANNEL.GREEN)],
      AwaitGateIn: [gateIn(GATE_CHECK.PASSED)],
    });
    assert.deepEqual(outcome, { ok: true });
    assert.deepEqual(entered, [
      'AssessRisk',
      'AwaitSlotBooking',
      'AwaitGateIn',
      'AfterGate',
      'ReleaseDeclaration',
      'AwaitExit',
      'CloseDeclaration',
    ]);
    assert.deepEqual(
      calls.filter((c) => c.state.startsWith('Await')).map((c) => c.input.milestone),
      [ROAD_WAIT.SLOT_BOOKED, ROAD_WAIT.TRUCK_GATED_IN, ROAD_WAIT.TRUCK_EXITED],
    );
    const release = calls.find((c) => c.state === 'ReleaseDeclaration')?.input;
    assert.deepEqual(release?.transitions, [TRANSITION.SECURE_DUTIES, TRANSITION.RELEASE]);
    assert.equal(release?.occurredAt, GATED_IN_AT, 'released as the gate cleared it: its business time');
    assert.equal(calls.at(-1)?.input.transition, TRANSITION.CLOSE);
  });

  it('holds a truck that reached the gate outside the daytime freight hours until the opening, then clears it', async () => {
    // The opening is a business time; here it is a moment ahead, so that the wait can be seen to last until it.
    const opening = new Date(Date.now() + 1_500).toISOString();
    const { entered, calls, outcome } = await run({
      AssessRisk: [risk(RISK_CHANNEL.GREEN)],
      AwaitGateIn: [gateIn(GATE_CHECK.PASSED, { clearance: GATE_CLEARANCE.AT_OPENING, clearanceFrom: opening })],
    });
    assert.deepEqual(outcome, { ok: true });
    assert.deepEqual(entered, [
      'AssessRisk',
      'AwaitSlotBooking',
      'AwaitGateIn',
      'AfterGate',
      'WaitForOpening',
      'ByChannel',
      'ReleaseDeclaration',
      'AwaitExit',
      'CloseDeclaration',
    ]);
    const release = calls.find((c) => c.state === 'ReleaseDeclaration');
    assert.equal(release?.input.occurredAt, opening, 'released at the opening, in business time');
    assert.ok((release?.at ?? 0) >= Date.parse(opening), 'the release step ran only once the opening came');
  });

  it('releases a truck an officer inspected at the decision’s business time, not at the gate’s', async () => {
    const { entered, calls, outcome } = await run({
      AssessRisk: [risk(RISK_CHANNEL.YELLOW)],
      AwaitGateIn: [gateIn(GATE_CHECK.PASSED)],
      InspectTruckTask: [decided(OFFICER_DECISION.APPROVE)],
    });
    assert.deepEqual(outcome, { ok: true });
    assert.ok(entered.includes('ReleaseAfterReview'));
    assert.equal(entered.includes('ReleaseDeclaration'), false);
    const release = calls.find((c) => c.state === 'ReleaseAfterReview')?.input;
    assert.deepEqual(release?.transitions, [TRANSITION.SECURE_DUTIES, TRANSITION.RELEASE]);
    assert.equal(release?.occurredAt, DECIDED_AT);
  });

  it('sends a truck whose plate is not the booked one to an officer, and waits for the booked truck again', async () => {
    const { entered, outcome } = await run({
      AssessRisk: [risk(RISK_CHANNEL.GREEN)],
      AwaitGateIn: [gateIn(GATE_CHECK.PLATE_MISMATCH), gateIn(GATE_CHECK.PASSED)],
      ReviewPlateMismatchTask: [decided(OFFICER_DECISION.APPROVE)],
    });
    assert.deepEqual(outcome, { ok: true });
    assert.deepEqual(entered.slice(2, 7), [
      'AwaitGateIn',
      'AfterGate',
      'ReviewPlateMismatchTask',
      'ReviewPlateMismatchDecided',
      'AwaitGateIn',
    ]);
    assert.equal(entered.at(-1), 'CloseDeclaration');
  });

  it('lets an officer clear a load beyond the weight tolerance, then inspects by channel', async () => {
    const { entered, calls, outcome } = await run({
      AssessRisk: [risk(RISK_CHANNEL.YELLOW)],
      AwaitGateIn: [gateIn(GATE_CHECK.WEIGHT_OUT_OF_TOLERANCE)],
      ReviewWeightTask: [decided(OFFICER_DECISION.APPROVE)],
      InspectTruckTask: [decided(OFFICER_DECISION.APPROVE)],
    });
    assert.deepEqual(outcome, { ok: true });
    for (const state of [
      'ReviewWeightTask',
      'ByChannelAfterReview',
      'InspectTruckTask',
      'ReleaseAfterReview',
      'AwaitExit',
    ]) {
      assert.ok(entered.includes(state), state);
    }
    assert.equal(
      calls.find((c) => c.state === 'InspectTruckTask')?.input.reason,
      'YELLOW channel: an officer checks the truck’s documents',
    );
  });

  it('gives a yellow truck an officer’s documentary check and no scan, then releases it', async () => {
    const { entered, outcome } = await run({
      AssessRisk: [risk(RISK_CHANNEL.YELLOW)],
      AwaitGateIn: [gateIn(GATE_CHECK.PASSED)],
      InspectTruckTask: [decided(OFFICER_DECISION.APPROVE)],
    });
    assert.deepEqual(outcome, { ok: true });
    assert.deepEqual(entered.slice(3, 8), [
      'AfterGate',
      'InspectByChannel',
      'InspectTruckTask',
      'InspectTruckDecided',
      'ReleaseAfterReview',
    ]);
    assert.equal(entered.includes('AwaitScan'), false);
  });

  it('ends a yellow truck the officer rejects, without release', async () => {
    const { entered, outcome } = await run({
      AssessRisk: [risk(RISK_CHANNEL.YELLOW)],
      AwaitGateIn: [gateIn(GATE_CHECK.PASSED)],
      InspectTruckTask: [decided(OFFICER_DECISION.REJECT)],
    });
    assert.deepEqual(outcome, { ok: true });
    assert.equal(entered.at(-1), 'Rejected');
    assert.equal(entered.includes('ReleaseDeclaration') || entered.includes('ReleaseAfterReview'), false);
  });

  it('sends a declaration with no slot booked in time to an officer, and waits again once approved', async () => {
    const { entered, calls } = await run({
      AssessRisk: [risk(RISK_CHANNEL.GREEN)],
      AwaitSlotBooking: [NEVER, {}],
      ReviewMissedSlotBookingTask: [decided(OFFICER_DECISION.APPROVE)],
      AwaitGateIn: [gateIn(GATE_CHECK.PASSED)],
    });
    assert.deepEqual(entered.slice(0, 5), [
      'AssessRisk',
      'AwaitSlotBooking',
      'ReviewMissedSlotBookingTask',
      'ReviewMissedSlotBookingDecided',
      'AwaitSlotBooking',
    ]);
    const task = calls.find((c) => c.state === 'ReviewMissedSlotBookingTask')?.input;
    assert.equal(task?.kind, 'MANUAL_REVIEW');
    assert.equal(task?.reason, 'no gate slot was booked in time');
  });

  it('gives every wait a timeout and somewhere to go when it fires', () => {
    for (const name of ['AwaitSlotBooking', 'AwaitGateIn', 'AwaitExit']) {
      const state = definition.States[name] as { TimeoutSeconds?: number; Catch?: { ErrorEquals: string[] }[] };
      assert.ok((state.TimeoutSeconds ?? 0) > 0, name);
      assert.ok(
        state.Catch?.some((c) => c.ErrorEquals.includes('States.Timeout')),
        name,
      );
    }
  });
});

const scanned = (scanResult: string) => ({
  milestone: 'TRUCK_SCANNED',
  portEventId: 'scan-1',
  occurredAt: '2026-11-21T08:20:00Z',
  reportedBy: { kind: 'port-operator', id: 'scanner-clerk-2' },
  facts: { plate: '123ABC02', scanResult },
});

describe('the highway workflow, a red truck at the scanner', () => {
  it('waits for a red truck’s scan after the gate, and releases it when the scan is clear', async () => {
    const { entered, calls, outcome } = await run({
      AssessRisk: [risk(RISK_CHANNEL.RED)],
      AwaitGateIn: [gateIn(GATE_CHECK.PASSED)],
      AwaitScan: [scanned(SCAN_RESULT.CLEAR)],
    });
    assert.deepEqual(outcome, { ok: true });
    assert.deepEqual(entered, [
      'AssessRisk',
      'AwaitSlotBooking',
      'AwaitGateIn',
      'AfterGate',
      'InspectByChannel',
      'AwaitScan',
      'ByScanResult',
      'ReleaseAfterScan',
      'AwaitExit',
      'CloseDeclaration',
    ]);
    assert.equal(calls.find((c) => c.state === 'AwaitScan')?.input.milestone, ROAD_WAIT.TRUCK_SCANNED);
    assert.equal(
      calls.find((c) => c.state === 'ReleaseAfterScan')?.input.occurredAt,
      scanned(SCAN_RESULT.CLEAR).occurredAt,
      'released at the scan’s business time',
    );
    assert.equal(
      calls.some((c) => c.state.endsWith('Task')),
      false,
      'no officer is asked',
    );
  });

  for (const decision of [OFFICER_DECISION.APPROVE, OFFICER_DECISION.REJECT]) {
    it(`sends a suspicious scan to an officer, whose ${decision.toLowerCase()} ${decision === OFFICER_DECISION.APPROVE ? 'releases the truck' : 'ends it'}`, async () => {
      const { entered, calls, outcome } = await run({
        AssessRisk: [risk(RISK_CHANNEL.RED)],
        AwaitGateIn: [gateIn(GATE_CHECK.PASSED)],
        AwaitScan: [scanned(SCAN_RESULT.SUSPICIOUS)],
        ReviewScanTask: [decided(decision)],
      });
      assert.deepEqual(outcome, { ok: true });
      assert.deepEqual(entered.slice(5, 9), ['AwaitScan', 'ByScanResult', 'ReviewScanTask', 'ReviewScanDecided']);
      const task = calls.find((c) => c.state === 'ReviewScanTask')?.input;
      assert.equal(task?.kind, 'MANUAL_REVIEW');
      assert.equal(task?.reason, 'the scan found the load SUSPICIOUS: an officer inspects the truck');
      if (decision === OFFICER_DECISION.APPROVE) {
        assert.equal(entered.at(-1), 'CloseDeclaration');
        assert.ok(entered.includes('ReleaseAfterReview'));
      } else {
        assert.equal(entered.at(-1), 'Rejected');
        assert.equal(entered.includes('ReleaseAfterReview'), false);
      }
    });
  }

  it('sends a red truck not scanned in time to an officer, whose approval releases it', async () => {
    const { entered, calls, outcome } = await run({
      AssessRisk: [risk(RISK_CHANNEL.RED)],
      AwaitGateIn: [gateIn(GATE_CHECK.PASSED)],
      AwaitScan: [NEVER],
      ReviewMissedScanTask: [decided(OFFICER_DECISION.APPROVE)],
    });
    assert.deepEqual(outcome, { ok: true });
    assert.deepEqual(entered.slice(5, 9), [
      'AwaitScan',
      'ReviewMissedScanTask',
      'ReviewMissedScanDecided',
      'ReleaseAfterReview',
    ]);
    assert.equal(
      calls.find((c) => c.state === 'ReviewMissedScanTask')?.input.reason,
      'the red-channel truck was not scanned in time: an officer inspects it',
    );
    assert.equal(entered.at(-1), 'CloseDeclaration');
  });

  it('gives the scan’s wait a timeout and somewhere to go when it fires', () => {
    const state = definition.States.AwaitScan as { TimeoutSeconds?: number; Catch?: { ErrorEquals: string[] }[] };
    assert.ok((state.TimeoutSeconds ?? 0) > 0);
    assert.ok(state.Catch?.some((c) => c.ErrorEquals.includes('States.Timeout')));
  });
});
