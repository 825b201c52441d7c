import middy from '@middy/core';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { deliverySchedulerFromEnv } from '#adapters/delivery-scheduler-from-environment.ts';
import { recordedEventsOf } from '#adapters/dynamodb-outbox-stream.ts';
import { webhookStoreFromEnv } from '#adapters/notifications-from-environment.ts';
import { dispatchEvents } from '#application/deliveries.ts';
import { logger, withInvocationContext } from '#shared/logger.ts';

const ports = { webhooks: webhookStoreFromEnv(), deliveries: deliverySchedulerFromEnv() };

/**
 * Triggered by the declarations table's stream (outbox INSERTs only, by the mapping's filter): starts one
 * delivery per event and webhook. An error fails the batch, which the mapping retries (and bisects); starts
 * that already happened are not repeated.
 */
export const handler = middy<DynamoDBStreamEvent, void>({ timeoutEarlyInMillis: 0 })
  .use(withInvocationContext())
  .handler(async (batch) => {
    const events = recordedEventsOf(batch);
    const result = await dispatchEvents(ports, events);
    logger.info('dispatched', { records: batch.Records.length, events: events.length, ...result });
  });
