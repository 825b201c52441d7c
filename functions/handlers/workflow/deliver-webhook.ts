import { systemClock } from '#adapters/from-environment.ts';
import {
  deliveryLogFromEnv,
  webhookStoreFromEnv,
  webhookTransportFromEnv,
} from '#adapters/notifications-from-environment.ts';
import { deliverEvent } from '#application/deliveries.ts';
import type { Delivery } from '#application/ports.ts';
import { workflowStep } from '#shared/workflow-step.ts';

const ports = {
  webhooks: webhookStoreFromEnv(),
  deliveryLog: deliveryLogFromEnv(),
  transport: webhookTransportFromEnv(),
  clock: systemClock,
};

/** (Delivery state machine) One attempt to deliver an event to a webhook; throws DeliveryFailed to be retried. */
export const handler = workflowStep((input: Delivery) => deliverEvent(ports, input));
