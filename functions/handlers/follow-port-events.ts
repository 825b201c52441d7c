import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import middy from '@middy/core';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import {
  declarationStoreFromEnv,
  milestoneStoreFromEnv,
  officerTaskStoreFromEnv,
  systemClock,
} from '#adapters/from-environment.ts';
import { slaPolicyFromEnv } from '#adapters/sla-from-environment.ts';
import { slotBookingsFromEnv } from '#adapters/slots-from-environment.ts';
import { taskCallbacksFromEnv } from '#adapters/step-functions-from-environment.ts';
import { ENTITY } from '#adapters/table-layout.ts';
import { resumeAfterAmendment, resumeAfterCompletion } from '#application/rail-steps.ts';
import { confirmSlotAndResume } from '#application/road-steps.ts';
import { fanOutTrainEvent } from '#application/train-events.ts';
import { DOCUMENT_CHANGES } from '#domain/amendment.ts';
import type { DomainEvent } from '#domain/events.ts';
import { type MilestoneNotice, TRAIN_EVENT_TYPES } from '#domain/port-events.ts';
import { SLOT_CHANGES } from '#domain/slot-booking.ts';
import { logger, withInvocationContext } from '#shared/logger.ts';

const ports = {
  declarations: declarationStoreFromEnv(),
  milestones: milestoneStoreFromEnv(),
  officerTasks: officerTaskStoreFromEnv(),
  tasks: taskCallbacksFromEnv(),
  clock: systemClock,
  slaPolicy: slaPolicyFromEnv(),
  slots: slotBookingsFromEnv(),
};

/**
 * Follows the table's stream (its event source mapping lets through only what matters here): a train's event,
 * once recorded, moves on every declaration on the train; an amendment, the completion of a two-step summary or
 * a road declaration's slot booking
 * resumes a workflow waiting for it. The
 * reporter's request was answered before any of this. An error fails the batch, which the mapping retries; every
 * step is idempotent (a declaration already moved on is not moved twice, a resumed wait is gone).
 */
export const handler = middy<DynamoDBStreamEvent, void>({ timeoutEarlyInMillis: 0 })
  .use(withInvocationContext())
  .handler(async (batch) => {
    for (const record of batch.Records ?? []) {
      const image = record.dynamodb?.NewImage;
      if (image === undefined) continue;
      const item = unmarshall(image as Record<string, AttributeValue>);
      if (item.entity === ENTITY.milestone && typeof item.key === 'string') {
        const notice = item.notice as MilestoneNotice;
        if (!(TRAIN_EVENT_TYPES as readonly string[]).includes(notice.milestone)) continue;
        const { moved } = await fanOutTrainEvent(ports, item.key, notice);
        logger.info('train event followed', { milestone: notice.milestone, train: item.key, moved: moved.length });
      } else if (item.entity === ENTITY.event && record.eventName === 'INSERT') {
        const event = item.event as DomainEvent;
        if (event.transition === SLOT_CHANGES.BOOK_SLOT) {
          // A booking (its own event, written with it): a road workflow waiting for it goes on to the gate.
          const booking = await ports.slots.loadBooking(event.declarationId);
          if (booking !== undefined) await confirmSlotAndResume(ports, event.declarationId, booking);
          continue;
        }
        const documentVersion = Number((event.details as { documentVersion?: number } | undefined)?.documentVersion);
        if (event.transition === DOCUMENT_CHANGES.AMEND_DOCUMENT) {
          await resumeAfterAmendment(ports, event.declarationId, documentVersion);
        } else if (event.transition === DOCUMENT_CHANGES.COMPLETE_DOCUMENT) {
          const { resumed } = await resumeAfterCompletion(ports, event.declarationId, documentVersion);
          logger.info('completion followed', { declarationId: event.declarationId, resumed });
        }
      }
    }
  });
