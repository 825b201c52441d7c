import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { StateMachine } from 'aws-local-stepfunctions';
import { WORKFLOW_ERRORS } from '#domain/errors.ts';
import { TRANSITION } from '#domain/lifecycle.ts';
import { OFFICER_DECISIONS as OFFICER_DECISION } from '#domain/officer-tasks.ts';
import { RISK_CHANNEL } from '#domain/risk.ts';
import { MANIFEST_MATCH } from '#domain/screening.ts';
import { COMPLETION_DEADLINE, FILING_MODE } from '#domain/two-step.ts';
import { type RailImportSteps, RailImportWorkflow } from '../../infra/constructs/rail-import-workflow.ts';
import type { AslMachine } from '../../infra/local/asl-support.ts';
import { DYNAMIC_TIMEOUT_PARAMETER, runnableDefinition } from '../../infra/local/time-scale.ts';
import { type AslDefinition, parseDefinition, resourcesOf, type StateMachineProps } from './cdk-app.ts';

type JSONValue = null | boolean | number | string | JSONValue[] | { [key: string]: JSONValue };

/**
 * The rail workflow, run: synthesized by CDK, executed by aws-local-stepfunctions with every Lambda step replaced
 * by a scripted answer. The tests follow a declaration through the port and assert on the states it passes.
 */
function synthesizeRailWorkflow(): AslDefinition {
  const stack = new Stack(new App(), 'RailWorkflowTest');
  const fn = (name: keyof RailImportSteps) =>
    new LambdaFunction(stack, name, {
      runtime: Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: Code.fromInline('exports.handler = async () => ({})'),
    });
  const names: (keyof RailImportSteps)[] = [
    'screen',
    'awaitMilestone',
    'recordTransition',
    'flagSlaBreach',
    'openOfficerTask',
    'escalateOfficerTask',
    'awaitBrokerDocuments',
  ];
  const steps = Object.fromEntries(names.map((name) => [name, fn(name)])) as unknown as RailImportSteps;
  new RailImportWorkflow(stack, 'Rail', {
    steps,
    stateMachineName: 'rail-test',
    arrivalTimeout: Duration.seconds(1),
    amendmentTimeout: Duration.seconds(1),
    officerTimeout: Duration.seconds(1),
  });
  const [machine] = resourcesOf<StateMachineProps>(Template.fromStack(stack), 'AWS::StepFunctions::StateMachine');
  assert.ok(machine !== undefined);
  const { asl } = parseDefinition(machine[1].Properties.DefinitionString);
  const text = JSON.stringify(asl)
    .replace(/arn:<TOKEN:\d+>:/g, 'arn:aws:')
    .replace(/<TOKEN:(\d+)>/g, 'arn:aws:lambda:us-east-1:000000000000:function:f$1');
  // What the local harness runs: times as synthesized (scale 1), a TimeoutSecondsPath moved into the parameters.
  return runnableDefinition(JSON.parse(text) as AslMachine, 1) as unknown as AslDefinition;
}

const definition = synthesizeRailWorkflow();

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

const arrivedNow = () => {
  const now = Date.now();
  const clock = (hours: number) => ({
    startedAt: new Date(now).toISOString(),
    dueAt: new Date(now + hours * 3_600_000).toISOString(),
    secondsLeft: hours * 3600,
  });
  return { notice: { milestone: 'TRAIN_ARRIVED' }, sla: { TRANSSHIPMENT: clock(2), RELEASE: clock(16) } };
};

async function run(script: Script) {
  const calls: { state: string; input: Record<string, unknown> }[] = [];
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
      calls.push({ state: name, input: Payload ?? input });
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

const screened = (
  channel: string,
  manifest: string = MANIFEST_MATCH.MATCHED,
  filingMode: string = FILING_MODE.COMPLETE,
) => ({ manifest, channel, filingMode });
const summaryScreened = (channel: string) => screened(channel, MANIFEST_MATCH.MATCHED, FILING_MODE.SUMMARY);

/** An officer's decision as the workflow is resumed with it: its name and its business time. */
const DECIDED_AT = '2026-11-21T09:30:00.000Z';
const TRANSSHIPPED_AT = '2026-11-21T08:10:00.000Z';
const decided = (decision: string, occurredAt = DECIDED_AT) => ({ decision, occurredAt });

/** What the release of a summary answers: the time left until its complete declaration is due. */
const releasedWithDays = (days: number) => ({
  status: 'RELEASED',
  applied: true,
  completion: {
    dueAt: new Date(Date.now() + days * 86_400_000).toISOString(),
    secondsLeft: Math.max(1, Math.round(days * 86_400)),
  },
});

describe('the rail import workflow, stage by stage', () => {
  it('takes a green declaration from screening to release in six billed states', async () => {
    const { entered, calls, outcome } = await run({
      Screen: [screened(RISK_CHANNEL.GREEN)],
      AwaitTrainArrival: [arrivedNow()],
    });
    assert.deepEqual(outcome, { ok: true });
    assert.deepEqual(entered, [
      'Screen',
      'IsOnManifest',
      'AwaitTrainArrival',
      'ByChannel',
      'AwaitTransshipment',
      'SecureDutiesAndRelease',
    ]);
    assert.deepEqual(calls.at(-1)?.input.transitions, [TRANSITION.SECURE_DUTIES, TRANSITION.RELEASE]);
    assert.equal(calls.find((c) => c.state === 'AwaitTransshipment')?.input.milestone, 'TRANSSHIPMENT_COMPLETED');
  });

  it('releases a green declaration at the gauge change’s business time', async () => {
    const { calls, outcome } = await run({
      Screen: [screened(RISK_CHANNEL.GREEN)],
      AwaitTrainArrival: [arrivedNow()],
      AwaitTransshipment: [{ notice: { milestone: 'TRANSSHIPMENT_COMPLETED', occurredAt: TRANSSHIPPED_AT } }],
    });
    assert.deepEqual(outcome, { ok: true });
    const release = calls.find((c) => c.state === 'SecureDutiesAndRelease')?.input;
    assert.deepEqual(release?.clearedBy, {
      transshipment: { notice: { milestone: 'TRANSSHIPMENT_COMPLETED', occurredAt: TRANSSHIPPED_AT } },
    });
  });

  it('waits for an amendment when the declaration does not match the manifest, then matches it again', async () => {
    const { entered, outcome } = await run({
      Screen: [screened(RISK_CHANNEL.GREEN, MANIFEST_MATCH.MISMATCH), screened(RISK_CHANNEL.GREEN)],
      AwaitTrainArrival: [arrivedNow()],
    });

    assert.deepEqual(outcome, { ok: true });
    assert.deepEqual(entered.slice(0, 6), [
      'Screen',
      'IsOnManifest',
      'AwaitAmendment',
      'Screen',
      'IsOnManifest',
      'AwaitTrainArrival',
    ]);
    assert.equal(entered.at(-1), 'SecureDutiesAndRelease');
  });

  it('runs a yellow declaration’s document review beside the gauge change, and releases it once approved', async () => {
    const { entered, calls, outcome } = await run({
      Screen: [screened(RISK_CHANNEL.YELLOW)],
      AwaitTrainArrival: [arrivedNow()],
      AwaitTransshipmentInParallel: [{ notice: { milestone: 'TRANSSHIPMENT_COMPLETED', occurredAt: TRANSSHIPPED_AT } }],
      DocumentReviewTask: [decided(OFFICER_DECISION.APPROVE)],
    });

    assert.deepEqual(outcome, { ok: true });
    for (const state of ['ClearInParallel', 'AwaitTransshipmentInParallel', 'DocumentReviewTask', 'InspectionPassed']) {
      assert.ok(entered.includes(state), state);
    }
    assert.equal(entered.at(-1), 'SecureDutiesAndRelease');
    const release = calls.find((c) => c.state === 'SecureDutiesAndRelease')?.input;
    assert.deepEqual(
      release?.clearedBy,
      {
        transshipment: { notice: { milestone: 'TRANSSHIPMENT_COMPLETED', occurredAt: TRANSSHIPPED_AT } },
        inspection: { occurredAt: DECIDED_AT },
      },
      'released at the later of the gauge change and the officer’s decision, both business times',
    );
    const task = calls.find((c) => c.state === 'DocumentReviewTask')?.input;
    assert.equal(task?.kind, 'DOCUMENT_REVIEW');
    assert.equal(typeof task?.dueAt, 'string', 'the task is due by the release SLA');
  });

  it('asks the broker for documents, brings the task back to the officer, and releases once approved', async () => {
    const { entered, outcome } = await run({
      Screen: [screened(RISK_CHANNEL.YELLOW)],
      AwaitTrainArrival: [arrivedNow()],
      DocumentReviewTask: [decided(OFFICER_DECISION.REQUEST_DOCUMENTS), decided(OFFICER_DECISION.APPROVE)],
    });

    assert.deepEqual(outcome, { ok: true });
    const review = entered.filter((state) => state.startsWith('DocumentReview'));
    assert.deepEqual(review, [
      'DocumentReviewTask',
      'DocumentReviewDecided',
      'DocumentReviewAwaitDocuments',
      'DocumentReviewTask',
      'DocumentReviewDecided',
    ]);
    assert.equal(entered.at(-1), 'SecureDutiesAndRelease');
  });

  it('ends a red declaration the officer rejects after inspection, without releasing it', async () => {
    const { entered, outcome, calls } = await run({
      Screen: [screened(RISK_CHANNEL.RED)],
      AwaitTrainArrival: [arrivedNow()],
      PhysicalInspectionTask: [decided(OFFICER_DECISION.REJECT)],
      AwaitTransshipmentInParallel: [NEVER],
    });

    assert.deepEqual(outcome, { ok: true });
    assert.equal(entered.at(-1), 'Rejected');
    assert.equal(calls.find((c) => c.state === 'PhysicalInspectionTask')?.input.kind, 'PHYSICAL_INSPECTION');
    assert.equal(entered.includes('SecureDutiesAndRelease'), false);
  });

  it('flags a gauge change that overruns its SLA, then releases once the terminal reports it done', async () => {
    const late = arrivedNow();
    late.sla.TRANSSHIPMENT.secondsLeft = 1;
    const { entered, calls, outcome } = await run({
      Screen: [screened(RISK_CHANNEL.GREEN)],
      AwaitTrainArrival: [late],
      AwaitTransshipment: [NEVER],
    });

    assert.deepEqual(outcome, { ok: true });
    assert.deepEqual(entered.slice(4), [
      'AwaitTransshipment',
      'FlagTransshipmentBreach',
      'AwaitLateTransshipment',
      'SecureDutiesAndRelease',
    ]);
    assert.equal(calls.find((c) => c.state === 'FlagTransshipmentBreach')?.input.sla, 'TRANSSHIPMENT');
  });

  it('hands a train that never arrives to an officer, who sends the declaration back to wait for it', async () => {
    const { entered, outcome } = await run({
      Screen: [screened(RISK_CHANNEL.GREEN)],
      AwaitTrainArrival: [NEVER, arrivedNow()],
      ReviewMissedArrivalTask: [decided(OFFICER_DECISION.APPROVE)],
    });

    assert.deepEqual(outcome, { ok: true });
    assert.deepEqual(entered.slice(2, 6), [
      'AwaitTrainArrival',
      'ReviewMissedArrivalTask',
      'ReviewMissedArrivalDecided',
      'AwaitTrainArrival',
    ]);
    assert.equal(entered.at(-1), 'SecureDutiesAndRelease');
  });

  it('moves an officer task not decided within the release SLA to the supervisors’ queue', async () => {
    const arrival = arrivedNow();
    arrival.sla.RELEASE.secondsLeft = 1;
    const { entered, calls, outcome } = await run({
      Screen: [screened(RISK_CHANNEL.YELLOW)],
      AwaitTrainArrival: [arrival],
      DocumentReviewTask: [NEVER],
      DocumentReviewSupervisorTask: [decided(OFFICER_DECISION.APPROVE)],
    });

    assert.deepEqual(outcome, { ok: true });
    assert.ok(entered.includes('DocumentReviewEscalate'));
    assert.equal(calls.find((c) => c.state === 'DocumentReviewSupervisorTask')?.input.queue, 'supervisors');
    assert.equal(entered.at(-1), 'SecureDutiesAndRelease');
  });

  it('releases a green two-step summary, then waits for its complete declaration, which ends the execution', async () => {
    const { entered, calls, outcome } = await run({
      Screen: [summaryScreened(RISK_CHANNEL.GREEN)],
      AwaitTrainArrival: [arrivedNow()],
      SecureDutiesAndReleaseSummary: [releasedWithDays(14)],
      AwaitCompletion: [{ completedDocumentVersion: 2 }],
    });

    assert.deepEqual(outcome, { ok: true });
    assert.deepEqual(entered, [
      'Screen',
      'IsOnManifest',
      'AwaitTrainArrival',
      'ByChannel',
      'AwaitTransshipmentSummary',
      'SecureDutiesAndReleaseSummary',
      'AwaitCompletion',
      'Completed',
    ]);
    const release = calls.find((c) => c.state === 'SecureDutiesAndReleaseSummary')?.input;
    assert.deepEqual(release?.transitions, [TRANSITION.SECURE_DUTIES, TRANSITION.RELEASE]);
    assert.equal(release?.completionClock, true);
    assert.equal(calls.find((c) => c.state === 'AwaitCompletion')?.input.milestone, 'DECLARATION_COMPLETED');
  });

  it('releases a yellow summary after its review, then waits for its completion as a green one does', async () => {
    const { entered, outcome } = await run({
      Screen: [summaryScreened(RISK_CHANNEL.YELLOW)],
      AwaitTrainArrival: [arrivedNow()],
      DocumentReviewTask: [decided(OFFICER_DECISION.APPROVE)],
      SecureDutiesAndReleaseSummary: [releasedWithDays(14)],
      AwaitCompletion: [{ completedDocumentVersion: 2 }],
    });

    assert.deepEqual(outcome, { ok: true });
    assert.deepEqual(entered.slice(-4), [
      'ReleaseByFilingMode',
      'SecureDutiesAndReleaseSummary',
      'AwaitCompletion',
      'Completed',
    ]);
    assert.equal(entered.includes('SecureDutiesAndRelease'), false);
  });

  it('flags a summary never completed within its period and hands it to an officer, whose APPROVE ends it', async () => {
    const { entered, calls, outcome } = await run({
      Screen: [summaryScreened(RISK_CHANNEL.GREEN)],
      AwaitTrainArrival: [arrivedNow()],
      SecureDutiesAndReleaseSummary: [releasedWithDays(0)],
      AwaitCompletion: [NEVER],
      CompletionFollowUpTask: [decided(OFFICER_DECISION.APPROVE)],
    });

    assert.deepEqual(outcome, { ok: true });
    assert.deepEqual(entered.slice(5), [
      'SecureDutiesAndReleaseSummary',
      'AwaitCompletion',
      'FlagMissedCompletion',
      'CompletionFollowUpTask',
      'Completed',
    ]);
    assert.equal(calls.find((c) => c.state === 'FlagMissedCompletion')?.input.deadline, COMPLETION_DEADLINE);
    const task = calls.find((c) => c.state === 'CompletionFollowUpTask')?.input;
    assert.deepEqual([task?.kind, task?.queue, typeof task?.dueAt], ['COMPLETION_OVERDUE', 'officers', 'string']);
  });

  it('moves a follow-up no officer takes up in time to the supervisors’ queue', async () => {
    const { entered, calls, outcome } = await run({
      Screen: [summaryScreened(RISK_CHANNEL.GREEN)],
      AwaitTrainArrival: [arrivedNow()],
      SecureDutiesAndReleaseSummary: [releasedWithDays(0)],
      AwaitCompletion: [NEVER],
      CompletionFollowUpTask: [NEVER],
      CompletionFollowUpSupervisorTask: [{ completedDocumentVersion: 2 }],
    });

    assert.deepEqual(outcome, { ok: true });
    assert.deepEqual(entered.slice(-3), [
      'CompletionFollowUpEscalate',
      'CompletionFollowUpSupervisorTask',
      'Completed',
    ]);
    assert.equal(calls.find((c) => c.state === 'CompletionFollowUpSupervisorTask')?.input.queue, 'supervisors');
  });
});
