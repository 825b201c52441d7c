import { Duration } from 'aws-cdk-lib';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import {
  Choice,
  Condition,
  Errors,
  JsonPath,
  type State,
  type StateMachine,
  Succeed,
  Timeout,
  Wait,
  WaitTime,
} from 'aws-cdk-lib/aws-stepfunctions';
import type { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { WORKFLOWS } from '#domain/declaration-types/registry.ts';
import { TRANSITION } from '#domain/lifecycle.ts';
import type { OfficerTaskKind } from '#domain/officer-tasks.ts';
import { ROAD_WAIT } from '#domain/port-events.ts';
import { RISK_CHANNEL } from '#domain/risk.ts';
import { GATE_CHECK, GATE_CLEARANCE } from '#domain/road-gate.ts';
import { SCAN_RESULT, SCANNED_CHANNEL } from '#domain/road-scan.ts';
import { grantTaskResponseByName, PreClearanceStateMachine } from './pre-clearance-state-machine.ts';
import { DECISION_PATH, type OfficerSteps, type WorkflowTasks, workflowTasks } from './workflow-tasks.ts';

/** Sends a wait that times out to an officer's manual review; an approval goes on to `approved`. */
type ReviewOnTimeout = (wait: LambdaInvoke, review: string, approved: State, reason: string) => LambdaInvoke;

/** The Lambda steps the highway workflow is built from. */
export interface RoadSteps extends OfficerSteps {
  readonly assessRisk: IFunction;
  /** Parks the execution on a task token until the slot is booked, the truck gates in or exits (see ROAD_WAIT). */
  readonly awaitMilestone: IFunction;
  readonly recordTransition: IFunction;
}

export interface RoadWorkflowProps {
  readonly steps: RoadSteps;
  readonly stateMachineName: string;
  /** How long a declaration waits for its slot booking, for its truck at the gate and at the exit. */
  readonly milestoneTimeout: Duration;
  /** How long a task waits for an officer before it goes to the supervisors' queue. */
  readonly officerTimeout?: Duration;
}

const MANUAL_REVIEW: OfficerTaskKind = 'MANUAL_REVIEW';

/**
 * Highway freight (issue 7), one Standard execution per truck. Every name it branches on (gate checks, risk
 * channels, decisions, waits, the gate's clearance) comes from the domain. The green path passes seven states, each
 * a billed transition:
 *
 *   AssessRisk → AwaitSlotBooking → AwaitGateIn → AfterGate → ReleaseDeclaration → AwaitExit → CloseDeclaration
 *
 * and two more (WaitForOpening → ByChannel) for a truck that reached the gate outside the daytime freight hours.
 * SLOT_BOOKED, GATED_IN (or HELD) and EXITED are recorded by whoever ends the wait (the booking's follower, the
 * gate's and the exit's reports), with their actor and business time, so no state is spent on them. A plate the
 * gate does not accept, a weight beyond the tolerance, and a yellow channel go to an officer's task (the rail
 * workflow's); a red truck waits for its scan (see inspectionByChannel); a wait that times out goes to an officer's
 * manual review, and an approval waits again.
 */
export class RoadWorkflow extends Construct {
  readonly stateMachine: StateMachine;
  readonly workflow = 'road' as const;
  private readonly stateMachineName: string;

  constructor(scope: Construct, id: string, props: RoadWorkflowProps) {
    super(scope, id);
    this.stateMachineName = props.stateMachineName;
    const { steps } = props;
    const { task, waitFor, officerReview } = workflowTasks(this, steps, props.officerTimeout ?? Duration.days(7));
    const timeout = Timeout.duration(props.milestoneTimeout);
    const rejected = new Succeed(this, 'Rejected', { comment: 'The officer rejected it; the decision is in history' });
    const reviewOnTimeout: ReviewOnTimeout = (wait, review, approved, reason) => {
      wait.addCatch(officerReview(review, MANUAL_REVIEW, approved, rejected, { reason }), {
        errors: [Errors.TIMEOUT],
        resultPath: JsonPath.DISCARD,
      });
      return wait;
    };

    const close = task('CloseDeclaration', steps.recordTransition, { transition: TRANSITION.CLOSE }, undefined);
    const awaitExit = waitFor('AwaitExit', steps.awaitMilestone, { milestone: ROAD_WAIT.TRUCK_EXITED }, timeout);
    reviewOnTimeout(
      awaitExit,
      'ReviewMissedExit',
      awaitExit,
      'the released truck was not reported leaving through the border',
    ).next(close);

    /** Duties secured and released, at the business time of what let the truck go (none: when the step runs). */
    const releaseAt = (name: string, occurredAtPath?: string): LambdaInvoke => {
      const released = task(
        name,
        steps.recordTransition,
        {
          transitions: [TRANSITION.SECURE_DUTIES, TRANSITION.RELEASE],
          ...(occurredAtPath === undefined ? {} : { occurredAt: JsonPath.stringAt(occurredAtPath) }),
        },
        undefined,
      );
      released.next(awaitExit);
      return released;
    };
    // As the gate cleared it (at once, or from the opening of the freight hours); on an officer's decision; on a
    // clear scan.
    const release = releaseAt('ReleaseDeclaration', '$.gateIn.clearanceFrom');
    const releaseAfterReview = releaseAt('ReleaseAfterReview', `${DECISION_PATH}.occurredAt`);
    const releaseAfterScan = releaseAt('ReleaseAfterScan', '$.scan.occurredAt');

    const inspect = this.inspectionByChannel(
      props,
      { waitFor, officerReview, reviewOnTimeout },
      { afterReview: releaseAfterReview, afterScan: releaseAfterScan },
      rejected,
    );
    const isGreen = Condition.stringEquals('$.risk.channel', RISK_CHANNEL.GREEN);
    const byChannel = new Choice(this, 'ByChannel').when(isGreen, release).otherwise(inspect);
    const byChannelAfterReview = new Choice(this, 'ByChannelAfterReview')
      .when(isGreen, releaseAfterReview)
      .otherwise(inspect);
    // Daytime mode: a truck at the gate outside the freight hours waits in the yard until they open.
    const waitForOpening = new Wait(this, 'WaitForOpening', {
      comment: 'Outside the freight hours: clearance starts at the opening',
      time: WaitTime.timestampPath('$.gateIn.clearanceFrom'),
    }).next(byChannel);

    const awaitGateIn = waitFor(
      'AwaitGateIn',
      steps.awaitMilestone,
      { milestone: ROAD_WAIT.TRUCK_GATED_IN },
      timeout,
      '$.gateIn',
    );
    reviewOnTimeout(awaitGateIn, 'ReviewMissedGateIn', awaitGateIn, 'the truck did not reach the gate in time');
    // One Choice after the gate, so the green path spends a single state on the gate's checks and the channel.
    awaitGateIn.next(
      new Choice(this, 'AfterGate')
        .when(
          Condition.stringEquals('$.gateIn.gateCheck', GATE_CHECK.PLATE_MISMATCH),
          // Approved: the booked truck comes to the gate again.
          officerReview('ReviewPlateMismatch', MANUAL_REVIEW, awaitGateIn, rejected, {}),
        )
        .when(
          Condition.stringEquals('$.gateIn.gateCheck', GATE_CHECK.WEIGHT_OUT_OF_TOLERANCE),
          officerReview('ReviewWeight', MANUAL_REVIEW, byChannelAfterReview, rejected, {}),
        )
        .when(Condition.stringEquals('$.gateIn.clearance', GATE_CLEARANCE.AT_OPENING), waitForOpening)
        .when(isGreen, release)
        .otherwise(inspect),
    );

    const awaitSlot = waitFor('AwaitSlotBooking', steps.awaitMilestone, { milestone: ROAD_WAIT.SLOT_BOOKED }, timeout);
    reviewOnTimeout(awaitSlot, 'ReviewMissedSlotBooking', awaitSlot, 'no gate slot was booked in time').next(
      awaitGateIn,
    );

    const definition = task('AssessRisk', steps.assessRisk, {}, '$.risk').next(awaitSlot);

    this.stateMachine = new PreClearanceStateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      comment: WORKFLOWS.road.description,
      definition,
      // Four waits (slot, gate, a red truck's scan, exit), an officer's review of each at most, short of Step
      // Functions' one-year limit.
      timeout: Duration.seconds(props.milestoneTimeout.toSeconds() * 4).plus(Duration.days(60)),
    });
  }

  /**
   * Inspection by channel after the gate, for a truck that is not green (issue 7): a YELLOW truck gets an officer's
   * documentary check; a RED truck waits for the scanner, whose CLEAR releases it and whose SUSPICIOUS scan (or
   * none in time) goes to an officer. An officer's approval releases, a rejection ends it. Answers the first state.
   */
  private inspectionByChannel(
    props: RoadWorkflowProps,
    {
      waitFor,
      officerReview,
      reviewOnTimeout,
    }: Pick<WorkflowTasks, 'waitFor' | 'officerReview'> & {
      readonly reviewOnTimeout: ReviewOnTimeout;
    },
    release: { readonly afterReview: State; readonly afterScan: State },
    rejected: State,
  ): State {
    const { steps } = props;
    const checkDocuments = officerReview('InspectTruck', MANUAL_REVIEW, release.afterReview, rejected, {
      reason: JsonPath.format(
        '{} channel: an officer checks the truck’s documents',
        JsonPath.stringAt('$.risk.channel'),
      ),
    });
    const awaitScan = waitFor(
      'AwaitScan',
      steps.awaitMilestone,
      { milestone: ROAD_WAIT.TRUCK_SCANNED },
      Timeout.duration(props.milestoneTimeout),
      '$.scan',
    );
    reviewOnTimeout(
      awaitScan,
      'ReviewMissedScan',
      release.afterReview,
      'the red-channel truck was not scanned in time: an officer inspects it',
    ).next(
      new Choice(this, 'ByScanResult')
        .when(Condition.stringEquals('$.scan.facts.scanResult', SCAN_RESULT.CLEAR), release.afterScan)
        // SUSPICIOUS, or a result this workflow does not know: the scan held the truck for an officer.
        .otherwise(
          officerReview('ReviewScan', MANUAL_REVIEW, release.afterReview, rejected, {
            reason: JsonPath.format(
              'the scan found the load {}: an officer inspects the truck',
              JsonPath.stringAt('$.scan.facts.scanResult'),
            ),
          }),
        ),
    );
    return new Choice(this, 'InspectByChannel')
      .when(Condition.stringEquals('$.risk.channel', SCANNED_CHANNEL), awaitScan)
      .otherwise(checkDocuments);
  }

  grantTaskResponseByName(grantee: IGrantable): void {
    grantTaskResponseByName(this, this.stateMachineName, grantee);
  }
}
