import assert from 'node:assert/strict';
import { fileDeclaration } from '#application/file-declaration.ts';
import type { Caller, DeclarationRecord } from '#application/ports.ts';
import { assessRisk, awaitMilestone } from '#application/workflow-steps.ts';
import type { DeclarationDocument } from '#domain/declaration-types/registry.ts';
import type { TrainArrived, TruckGatedIn } from '#domain/port-events.ts';
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
  await awaitMilestone(ports, { declarationId: id, taskToken: taskTokenOf(id) });
  return id;
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
