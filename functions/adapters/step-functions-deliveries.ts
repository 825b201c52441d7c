import { createHash } from 'node:crypto';
import { type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Delivery, DeliveryScheduler } from '#application/ports.ts';

/** Step Functions execution names: at most 80 characters of [A-Za-z0-9-_]. */
const MAX_EXECUTION_NAME = 80;

/**
 * The delivery execution's name, derived from the event and the subscription alone, so a replayed stream
 * record (or a retried batch) names the same execution and Step Functions refuses to start it twice. A readable
 * prefix of the event id helps an operator; the hash of both ids makes it unique.
 */
export function deliveryExecutionName(eventId: string, subscriptionId: string): string {
  const hash = createHash('sha256').update(`${eventId}\u0000${subscriptionId}`).digest('base64url');
  const readable = eventId.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, MAX_EXECUTION_NAME - hash.length - 1);
  return `${readable}-${hash}`;
}

/** Each delivery is one execution of the delivery state machine. */
export function stepFunctionsDeliveryScheduler(client: SFNClient, stateMachineArn: string): DeliveryScheduler {
  return {
    async schedule(delivery: Delivery) {
      try {
        await client.send(
          new StartExecutionCommand({
            stateMachineArn,
            name: deliveryExecutionName(delivery.event.eventId, delivery.subscriptionId),
            input: JSON.stringify(delivery),
          }),
        );
        return 'scheduled';
      } catch (error) {
        // A closed execution of that name, or a running one started with other input: either way, started before.
        if ((error as Error).name === 'ExecutionAlreadyExists') return 'already-scheduled';
        throw error;
      }
    },
  };
}
