import { freightHoursFrom, slotCalendarFrom } from '#domain/slot-calendar.ts';
import { ENV, requireEnv } from '#shared/env.ts';
import { documentClient } from './dynamodb-clients.ts';
import { dynamoDbSlotBookings, dynamoDbSlotStore } from './dynamodb-slot-store.ts';

export const slotStoreFromEnv = () => dynamoDbSlotStore(documentClient, requireEnv(ENV.declarationsTable));
/** Bookings read only: what a function that books nothing needs (it bundles no booking transaction). */
export const slotBookingsFromEnv = () => dynamoDbSlotBookings(documentClient, requireEnv(ENV.declarationsTable));

/** The calendar the stack configured (context portTimeZone, freightHours, …); a function without it fails at cold start. */
export const slotCalendarFromEnv = () =>
  slotCalendarFrom({
    timeZone: requireEnv(ENV.portTimeZone),
    freightHours: requireEnv(ENV.freightHours),
    daytimeHours: requireEnv(ENV.daytimeFreightHours),
    capacityPerHour: requireEnv(ENV.slotCapacityPerHour),
    noShowGraceMinutes: requireEnv(ENV.slotNoShowGraceMinutes),
  });

/** The freight hours alone, for a function that decides when a truck is cleared and books nothing (the gate). */
export const freightHoursFromEnv = () =>
  freightHoursFrom({
    timeZone: requireEnv(ENV.portTimeZone),
    freightHours: requireEnv(ENV.freightHours),
    daytimeHours: requireEnv(ENV.daytimeFreightHours),
  });
