import { Duration } from 'aws-cdk-lib';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import {
  Choice,
  Condition,
  Errors,
  Fail,
  JsonPath,
  Parallel,
  Pass,
  type State,
  type StateMachine,
  Succeed,
  Timeout,
} from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { WORKFLOWS, type WorkflowId } from '#domain/declaration-types/registry.ts';
import { TRANSITION } from '#domain/lifecycle.ts';
import type { OfficerQueue, OfficerTaskKind } from '#domain/officer-tasks.ts';
import { RAIL_WAIT } from '#domain/port-events.ts';
import { RISK_CHANNEL } from '#domain/risk.ts';
import { MANIFEST_MATCH } from '#domain/screening.ts';
import { COMPLETION_DEADLINE, FILING_MODE } from '#domain/two-step.ts';
import { grantTaskResponseByName, PreClearanceStateMachine } from './pre-clearance-state-machine.ts';
import { DECISION_PATH, workflowTasks } from './workflow-tasks.ts';

/**
 * What let the goods go, each with its business time: the gauge change's completion and, off the green channel, the
 * officer's inspection. The release is recorded at the latest of them, so a day replayed later keeps its times.
 */
const CLEARED_PATH = '$.cleared';

/** The Lambda steps the rail workflow is built from. */
export interface RailImportSteps {
  /** Matches the declaration against its train's manifest, then assesses its risk. */
  readonly screen: IFunction;
  /** Parks the execution on a task token until the port, the terminal or the broker reports (see RAIL_WAIT). */
  readonly awaitMilestone: IFunction;
  readonly recordTransition: IFunction;
  readonly flagSlaBreach: IFunction;
  /** Puts a task in an officer's queue and parks the execution on its token until the officer decides. */
  readonly openOfficerTask: IFunction;
  readonly escalateOfficerTask: IFunction;
  readonly awaitBrokerDocuments: IFunction;
}

export interface RailImportWorkflowProps {
  readonly steps: RailImportSteps;
  readonly stateMachineName: string;
  /** How long a matched declaration waits for its train before an officer must look at it. */
  readonly arrivalTimeout: Duration;
  /** How long a declaration that does not match the manifest waits for an amendment. */
  readonly amendmentTimeout?: Duration;
  /** How long a task waits for an officer (after its SLA) or for the broker's documents. */
  readonly officerTimeout?: Duration;
  /** The two-step completion period: part of the longest path, so of the execution's own timeout. */
  readonly completionPeriod?: Duration;
}

/**
 * Rail import, stage by stage (DOMAIN.md R1–R7), one Standard execution per declaration. Every name it branches
 * on (transitions, risk channels, filing modes, decisions, waits, errors) comes from the domain. The green path
 * passes six states, each a billed transition:
 *
 *   Screen → IsOnManifest → AwaitTrainArrival → ByChannel → AwaitTransshipment → SecureDutiesAndRelease
 *
 * Yellow and red run the gauge change and the officer's inspection side by side (Parallel), then release.
 * Every wait has a timeout and somewhere to go: a missed amendment or train goes to an officer's manual review,
 * a missed SLA is flagged and the task moves to the supervisors' queue; an officer's REJECT ends the execution.
 * Arrival and the gauge change are recorded by whoever resumes the wait (the train event's fan-out), so no state
 * is spent on them.
 *
 * A two-step SUMMARY is released the same way, then waits for its complete declaration until the period from its
 * acceptance runs out (AwaitCompletion); the completion ends the execution, a miss is flagged and followed up by
 * an officer (then a supervisor). The filing mode is told apart in Choices a declaration passes anyway (ByChannel,
 * and after the Parallel), so a green COMPLETE declaration's path keeps its six states; a green summary's is
 * eight (its own release step, AwaitCompletion, the end).
 */
export class RailImportWorkflow extends Construct {
  readonly stateMachine: StateMachine;
  readonly workflow = 'rail-import' as const;
  private readonly stateMachineName: string;

  constructor(scope: Construct, id: string, props: RailImportWorkflowProps) {
    super(scope, id);
    this.stateMachineName = props.stateMachineName;
    const { steps } = props;
    const officerTimeout = props.officerTimeout ?? Duration.days(7);
    const { task, waitFor, officerReview } = workflowTasks(this, steps, officerTimeout);
    const rejected = new Succeed(this, 'Rejected', { comment: 'The officer rejected it; the decision is in history' });

    // The end: duties, release, and (in the step) the manifest's write-off once every line is closed.
    const release = task(
      'SecureDutiesAndRelease',
      steps.recordTransition,
      { transitions: [TRANSITION.SECURE_DUTIES, TRANSITION.RELEASE], clearedBy: JsonPath.objectAt(CLEARED_PATH) },
      undefined,
    );

    // Two-step: the same release, answering how long the summary has left to be completed; then the wait for it.
    const isSummary = Condition.stringEquals('$.screening.filingMode', FILING_MODE.SUMMARY);
    const releaseSummary = task(
      'SecureDutiesAndReleaseSummary',
      steps.recordTransition,
      {
        transitions: [TRANSITION.SECURE_DUTIES, TRANSITION.RELEASE],
        completionClock: true,
        clearedBy: JsonPath.objectAt(CLEARED_PATH),
      },
      '$.release',
    );
    const completed = new Succeed(this, 'Completed', {
      comment: 'The complete declaration came in, or was followed up',
    });
    const awaitCompletion = waitFor(
      'AwaitCompletion',
      steps.awaitMilestone,
      { milestone: RAIL_WAIT.DECLARATION_COMPLETED },
      Timeout.at('$.release.completion.secondsLeft'),
    );
    const flagMissedCompletion = task(
      'FlagMissedCompletion',
      steps.flagSlaBreach,
      { deadline: COMPLETION_DEADLINE },
      undefined,
    );
    // The officer's follow-up ends with the complete declaration (the broker's, late) or an officer's APPROVE; one
    // not followed up in time moves to the supervisors' queue, and stays there, flagged again at each timeout.
    const followUp = (name: string) => {
      const kind = 'COMPLETION_OVERDUE' satisfies OfficerTaskKind;
      const open = waitFor(
        `${name}Task`,
        steps.openOfficerTask,
        {
          kind,
          queue: 'officers' satisfies OfficerQueue,
          dueAt: JsonPath.stringAt('$.release.completion.dueAt'),
          reason: 'the complete declaration did not come within its period',
        },
        Timeout.duration(officerTimeout),
      );
      const escalate = task(
        `${name}Escalate`,
        steps.escalateOfficerTask,
        { reason: `${name}: not followed up in time` },
        undefined,
      );
      const bySupervisor = waitFor(
        `${name}SupervisorTask`,
        steps.openOfficerTask,
        { kind, queue: 'supervisors' satisfies OfficerQueue },
        Timeout.duration(officerTimeout),
      );
      open.addCatch(escalate, { errors: [Errors.TIMEOUT], resultPath: JsonPath.DISCARD });
      escalate.next(bySupervisor);
      bySupervisor.addCatch(escalate, { errors: [Errors.TIMEOUT], resultPath: JsonPath.DISCARD });
      open.next(completed);
      bySupervisor.next(completed);
      return open;
    };
    releaseSummary.next(awaitCompletion);
    awaitCompletion.next(completed);
    awaitCompletion.addCatch(flagMissedCompletion, { errors: [Errors.TIMEOUT], resultPath: JsonPath.DISCARD });
    flagMissedCompletion.next(followUp('CompletionFollowUp'));

    /** The gauge change, with its 2-hour clock from arrival; `suffix` keeps state names unique per branch. */
    const transshipment = (suffix: string, onReject: State, next?: State) => {
      const wait = waitFor(
        `AwaitTransshipment${suffix}`,
        steps.awaitMilestone,
        { milestone: RAIL_WAIT.TRANSSHIPMENT_COMPLETED },
        Timeout.at('$.arrival.sla.TRANSSHIPMENT.secondsLeft'),
        `${CLEARED_PATH}.transshipment`,
      );
      const flag = task(`FlagTransshipmentBreach${suffix}`, steps.flagSlaBreach, { sla: 'TRANSSHIPMENT' }, undefined);
      const late = waitFor(
        `AwaitLateTransshipment${suffix}`,
        steps.awaitMilestone,
        { milestone: RAIL_WAIT.TRANSSHIPMENT_COMPLETED },
        Timeout.duration(officerTimeout),
        `${CLEARED_PATH}.transshipment`,
      );
      const review = officerReview(
        `ReviewTransshipment${suffix}`,
        'MANUAL_REVIEW' satisfies OfficerTaskKind,
        late,
        onReject,
        {
          reason: 'the gauge change was not reported complete',
        },
      );
      wait.addCatch(flag, { errors: [Errors.TIMEOUT], resultPath: JsonPath.DISCARD });
      flag.next(late);
      late.addCatch(review, { errors: [Errors.TIMEOUT], resultPath: JsonPath.DISCARD });
      if (next !== undefined) {
        wait.next(next);
        late.next(next);
      }
      return wait;
    };

    // Inspection by channel, beside the gauge change. REJECT fails the branch, which stops the other branch.
    const inspectionRejected = new Fail(this, 'InspectionRejected', { error: 'Clearance.Rejected' });
    // The branch's result: when the officer passed the inspection (the decision's business time).
    const passed = (name: string) =>
      new Pass(this, name, {
        parameters: { 'occurredAt.$': `${DECISION_PATH}.occurredAt` },
        resultPath: `${CLEARED_PATH}.inspection`,
      });
    const inspectionPassed = passed('InspectionPassed');
    const inspection = new Choice(this, 'InspectionByChannel')
      .when(
        Condition.stringEquals('$.screening.channel', RISK_CHANNEL.YELLOW),
        officerReview(
          'DocumentReview',
          'DOCUMENT_REVIEW' satisfies OfficerTaskKind,
          inspectionPassed,
          inspectionRejected,
          {
            secondsPath: '$.arrival.sla.RELEASE.secondsLeft',
            dueAtPath: '$.arrival.sla.RELEASE.dueAt',
          },
        ),
      )
      .otherwise(
        officerReview(
          'PhysicalInspection',
          'PHYSICAL_INSPECTION' satisfies OfficerTaskKind,
          passed('PhysicalInspectionPassed'),
          new Fail(this, 'PhysicalInspectionRejected', { error: 'Clearance.Rejected' }),
          { secondsPath: '$.arrival.sla.RELEASE.secondsLeft', dueAtPath: '$.arrival.sla.RELEASE.dueAt' },
        ),
      );
    const clearInParallel = new Parallel(this, 'ClearInParallel', {
      resultSelector: {
        'transshipment.$': `$[0].${CLEARED_PATH.slice(2)}.transshipment`,
        'inspection.$': `$[1].${CLEARED_PATH.slice(2)}.inspection`,
      },
      resultPath: CLEARED_PATH,
    })
      .branch(transshipment('InParallel', new Fail(this, 'TransshipmentRejected', { error: 'Clearance.Rejected' })))
      .branch(inspection)
      .addCatch(rejected, { errors: ['Clearance.Rejected'], resultPath: JsonPath.DISCARD });
    clearInParallel.next(new Choice(this, 'ReleaseByFilingMode').when(isSummary, releaseSummary).otherwise(release));

    const isGreen = Condition.stringEquals('$.screening.channel', RISK_CHANNEL.GREEN);
    const byChannel = new Choice(this, 'ByChannel')
      .when(Condition.and(isGreen, isSummary), transshipment('Summary', rejected, releaseSummary))
      .when(isGreen, transshipment('', rejected, release))
      .otherwise(clearInParallel);

    const awaitArrival = waitFor(
      'AwaitTrainArrival',
      steps.awaitMilestone,
      { milestone: RAIL_WAIT.TRAIN_ARRIVED },
      Timeout.duration(props.arrivalTimeout),
      '$.arrival',
    );
    awaitArrival.addCatch(
      officerReview('ReviewMissedArrival', 'MANUAL_REVIEW' satisfies OfficerTaskKind, awaitArrival, rejected, {
        reason: `the ${WORKFLOWS['rail-import'].awaits} report did not come in time`,
      }),
      { errors: [Errors.TIMEOUT], resultPath: JsonPath.DISCARD },
    );
    awaitArrival.next(byChannel);

    const screen = task('Screen', steps.screen, {}, '$.screening');
    const awaitAmendment = waitFor(
      'AwaitAmendment',
      steps.awaitMilestone,
      { milestone: RAIL_WAIT.DECLARATION_AMENDED },
      Timeout.duration(props.amendmentTimeout ?? Duration.days(3)),
    );
    awaitAmendment.next(screen);
    // An officer who approves a declaration the manifest does not match overrides the match: it waits for its train.
    awaitAmendment.addCatch(
      officerReview('ReviewManifestMismatch', 'MANUAL_REVIEW' satisfies OfficerTaskKind, awaitArrival, rejected, {
        reason: 'the declaration still does not match the train manifest',
      }),
      { errors: [Errors.TIMEOUT], resultPath: JsonPath.DISCARD },
    );
    const definition = screen.next(
      new Choice(this, 'IsOnManifest')
        .when(Condition.stringEquals('$.screening.manifest', MANIFEST_MATCH.MISMATCH), awaitAmendment)
        .otherwise(awaitArrival),
    );

    this.stateMachine = new PreClearanceStateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      comment: WORKFLOWS['rail-import'].description,
      definition,
      // Long enough for every wait on the longest path, short of Step Functions' one-year limit.
      timeout: props.arrivalTimeout.plus(props.completionPeriod ?? Duration.days(0)).plus(Duration.days(60)),
    });
  }

  grantTaskResponseByName(grantee: IGrantable): void {
    grantTaskResponseByName(this, this.stateMachineName, grantee);
  }
}

/** See grantTaskResponseByName in ./pre-clearance-state-machine.ts. */
export interface ResumableWorkflow {
  readonly workflow: WorkflowId;
  readonly stateMachine: StateMachine;
  grantTaskResponseByName(grantee: IGrantable): void;
}
