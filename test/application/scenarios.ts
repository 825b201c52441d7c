import assert from 'node:assert/strict';
import { fileDeclaration } from '#application/file-declaration.ts';
import type { Caller, DeclarationRecord } from '#application/ports.ts';
import { awaitRoadEvent } from '#application/road-steps.ts';
import { assessRisk, awaitMilestone } from '#application/workflow-steps.ts';
import type { DeclarationDocument } from '#domain/declaration-types/registry.ts';
import { ROAD_WAIT, type TrainArrived, type TruckExited, type TruckGatedIn } from '#domain/port-events.ts';
import type { SlotBooking } from '#domain/slot-booking.ts';
import { brokerCaller, type FakePorts } from '../support/fake-ports.ts';

/** Steps the application tests share: what a broker, the workflow and the port do, against the fakes. */

/** A broker files the document; the filing must succeed. */
export async function filed(
  ports: FakePorts,
  document: DeclarationDocument,
  idempotencyKey = 'order-4711',
  caller: Caller = brokerCaller(),
): Promise<DeclarationRecord> {
  const brokerId = caller.brokerId;
  assert.ok(brokerId !== undefined, 'only a broker files');
  const outcome = await fileDeclaration(ports, { caller, brokerId, idempotencyKey, document });
  assert.equal(outcome.kind, 'filed', JSON.stringify(outcome));
  return outcome.record;
}

export const taskTokenOf = (declarationId: string) => `token-${declarationId}`;

/** A declaration filed and carried by its workflow to the wait for its train or its truck. */
export async function waitingForItsMilestone(
  ports: FakePorts,
  document: DeclarationDocument,
  idempotencyKey: string,
  caller: Caller = brokerCaller(),
): Promise<string> {
  const { id } = await filed(ports, document, idempotencyKey, caller);
  await assessRisk(ports, id);
  if (document.declarationType === 'RAIL_IMPORT') {
    await awaitMilestone(ports, { declarationId: id, taskToken: taskTokenOf(id) });
    return id;
  }
  // A truck books its slot first (its workflow goes on at once), then waits at the gate.
  ports.bookings.set(id, slotBookingOf(id, document.truck, caller));
  const slotToken = `slot-${taskTokenOf(id)}`;
  await awaitRoadEvent(ports, { declarationId: id, taskToken: slotToken, milestone: ROAD_WAIT.SLOT_BOOKED });
  const slotResumed = ports.taskCallbacks.resumed.findIndex((resumed) => resumed.taskToken === slotToken);
  assert.ok(slotResumed >= 0, 'the booking found by the wait resumes it');
  ports.taskCallbacks.resumed.splice(slotResumed, 1);
  await awaitRoadEvent(ports, { declarationId: id, taskToken: taskTokenOf(id), milestone: ROAD_WAIT.TRUCK_GATED_IN });
  return id;
}

/** A booking of the fixtures' first freight hour for the declaration's truck. */
export function slotBookingOf(
  declarationId: string,
  truck: { readonly plate: string; readonly country: string },
  caller: Caller = brokerCaller(),
): SlotBooking {
  return {
    declarationId,
    brokerId: caller.brokerId ?? 'broker',
    laneType: 'FREIGHT',
    startsAt: '2025-03-01T08:00:00.000Z',
    endsAt: '2025-03-01T09:00:00.000Z',
    localDate: '2025-03-01',
    localHour: 16,
    timeZone: 'Asia/Shanghai',
    truck: { plate: truck.plate, country: truck.country },
    noShowAt: '2025-03-01T09:00:00.000Z',
    bookedAt: '2025-03-01T06:00:00.000Z',
    bookedBy: caller.actor,
    revision: 1,
  };
}

/** The exit of a truck through the border. */
export function truckExited(
  plate: string,
  eventId = 'exit-2-000311',
  occurredAt = '2025-03-01T16:40:00+06:00',
): TruckExited {
  return { eventType: 'TRUCK_EXITED', eventId, plate, gate: 'NURZHOL-EXIT-2', occurredAt };
}

/** The arrival of the fixtures' train (the waybills are on its manifest; they no longer travel in the event). */
export function trainArrived(_waybillNumbers: string[] = [], eventId = 'evt-X8001-0301'): TrainArrived {
  return {
    eventType: 'TRAIN_ARRIVED',
    eventId,
    train: { trainNumber: 'X8001', trainDate: '2025-02-27' },
    occurredAt: '2025-03-01T11:42:00+06:00',
  };
}

export function truckGatedIn(
  plate: string,
  eventId = 'gate-4-000917',
  occurredAt = '2025-03-01T14:12:00+06:00',
): TruckGatedIn {
  return { eventType: 'TRUCK_GATED_IN', eventId, plate, gate: 'NURZHOL-4', occurredAt };
}
