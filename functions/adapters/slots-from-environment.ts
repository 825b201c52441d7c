import { slotCalendarFrom } from '#domain/slot-calendar.ts';
import { ENV, requireEnv } from '#shared/env.ts';
import { documentClient } from './dynamodb-clients.ts';
import { dynamoDbSlotStore } from './dynamodb-slot-store.ts';

export const slotStoreFromEnv = () => dynamoDbSlotStore(documentClient, requireEnv(ENV.declarationsTable));

/** The calendar the stack configured (context portTimeZone, freightHours, …); a function without it fails at cold start. */
export const slotCalendarFromEnv = () =>
  slotCalendarFrom({
    timeZone: requireEnv(ENV.portTimeZone),
    freightHours: requireEnv(ENV.freightHours),
    daytimeHours: requireEnv(ENV.daytimeFreightHours),
    capacityPerHour: requireEnv(ENV.slotCapacityPerHour),
    noShowGraceMinutes: requireEnv(ENV.slotNoShowGraceMinutes),
  });
