import { Duration } from 'aws-cdk-lib';
import { Errors, JitterType, type StateMachine, Succeed, Timeout } from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { DELIVERY_ERRORS, DELIVERY_TIMEOUT_MILLISECONDS, DELIVERY_WINDOW_SECONDS } from '#domain/webhooks.ts';
import type { PreClearanceFunction } from './pre-clearance-function.ts';
import { PreClearanceStateMachine } from './pre-clearance-state-machine.ts';

/**
 * How a failed delivery is retried: waits of 30 s, 60 s, 120 s… doubling up to an hour, each drawn at random
 * between zero and that (full jitter), so receivers coming back from an outage are not hit by every retry at
 * once. The attempt count only needs to outlast the delivery window, which the delivery step enforces: with
 * 100 retries the waits add up to ~47 h at the median and more than 35 h in all but 1 in 100,000 executions,
 * so it is the step's DeliveryAbandoned, not the count running out, that ends a failing delivery after 24 h.
 */
export const DELIVERY_RETRY = {
  firstInterval: Duration.seconds(30),
  backoffRate: 2,
  maxDelay: Duration.hours(1),
  maxAttempts: 100,
} as const;

export interface WebhookDeliveryWorkflowProps {
  readonly deliverEvent: PreClearanceFunction;
  readonly stateMachineName: string;
  /** The first retry wait; DELIVERY_RETRY's unless a test stack shortens it (context webhookRetryIntervalSeconds). */
  readonly retryInterval?: Duration;
}

const STEP_TIMEOUT = Duration.seconds(30);

/**
 * The delivery of one event to one webhook (JSONPath ASL, Standard), one execution each:
 *
 *   DeliverEvent ─ DeliveryFailed → retried (backoff, full jitter) ─ DeliveryAbandoned → Abandoned
 *
 * The step logs every attempt itself; the machine only decides when to try again. Error names come from the
 * domain (DELIVERY_ERRORS), so a renamed error cannot silently stop matching.
 */
export class WebhookDeliveryWorkflow extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: WebhookDeliveryWorkflowProps) {
    super(scope, id);
    const deliver = new LambdaInvoke(this, 'DeliverEvent', {
      lambdaFunction: props.deliverEvent,
      payloadResponseOnly: true,
      resultPath: '$.result',
      taskTimeout: Timeout.duration(STEP_TIMEOUT),
    });
    // Retriers are tried in order: the abandoned error first (never retried), the receiver's failures next, and
    // only then the platform's own faults (a crashed or timed-out step), which a few quick retries cover.
    deliver.addRetry({ errors: [DELIVERY_ERRORS.abandoned], maxAttempts: 0 });
    deliver.addRetry({
      errors: [DELIVERY_ERRORS.failed],
      interval: props.retryInterval ?? DELIVERY_RETRY.firstInterval,
      backoffRate: DELIVERY_RETRY.backoffRate,
      maxDelay: DELIVERY_RETRY.maxDelay,
      jitterStrategy: JitterType.FULL,
      maxAttempts: DELIVERY_RETRY.maxAttempts,
    });
    deliver.addRetry({
      errors: [Errors.TASKS_FAILED, Errors.TIMEOUT],
      interval: Duration.seconds(2),
      backoffRate: 2,
      maxAttempts: 3,
    });
    // The receiver failed for a whole day: the step logged the last attempt as abandoned; nothing more to do.
    // The execution succeeds: failed executions are kept for the platform's own faults, which need a person.
    deliver.addCatch(new Succeed(this, 'Abandoned'), {
      errors: [DELIVERY_ERRORS.abandoned],
      resultPath: '$.abandoned',
    });

    this.stateMachine = new PreClearanceStateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      comment: 'Delivers one event to one webhook, retrying with backoff and jitter for at least 24 hours',
      definition: deliver,
      // The window, then at most one more wait and one more attempt, which abandons.
      timeout: Duration.seconds(DELIVERY_WINDOW_SECONDS)
        .plus(DELIVERY_RETRY.maxDelay)
        .plus(Duration.millis(DELIVERY_TIMEOUT_MILLISECONDS))
        .plus(STEP_TIMEOUT)
        .plus(Duration.minutes(5)),
    });
  }
}
