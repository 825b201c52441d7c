import { DeclarationNotFoundError } from '#domain/errors.ts';
import { TRANSITION } from '#domain/lifecycle.ts';
import { type MilestoneNotice, ROAD_WAIT, type RoadWait, TRUCK_EXPECTED } from '#domain/port-events.ts';
import type { GateClearance } from '#domain/road-gate.ts';
import type { SlotBooking } from '#domain/slot-booking.ts';
import { advanceDeclaration } from './advance-declaration.ts';
import { loadWithDocument } from './load-with-document.ts';
import type { Clock, DeclarationStore, MilestoneStore, TaskCallbacks } from './ports.ts';
import type { SlotStore } from './slots.ts';

/**
 * The highway workflow's waits (issue 7): the broker's slot booking, the truck at the gate, a red-channel truck's
 * scan, its exit through the border. Whoever ends a wait records the stage it reached (the booking's follower, the gate's and the exit's
 * reports), so the state machine spends no state on it; each wait finds a stage reached before it began.
 */
export interface RoadStepPorts {
  readonly declarations: DeclarationStore;
  readonly milestones: MilestoneStore;
  readonly tasks: TaskCallbacks;
  readonly slots: Pick<SlotStore, 'loadBooking'>;
  readonly clock: Clock;
}

/**
 * What a gate-in, a scan or an exit left on the declaration (facts.gateIn, facts.scan, facts.exit): what resumes
 * its wait. A gate-in carries its checks' outcome and when clearance starts (see ClearanceAtGate).
 */
export type RoadStageFact = MilestoneNotice & {
  readonly gateCheck?: string;
  readonly clearance?: GateClearance;
  readonly clearanceFrom?: string;
};

/** The task token of an expectation no workflow waits on yet. */
export const NO_TASK = '';

export async function awaitRoadEvent(
  ports: RoadStepPorts,
  input: { readonly declarationId: string; readonly taskToken: string; readonly milestone: RoadWait },
): Promise<void> {
  const { record, document } = await loadWithDocument(ports, input.declarationId);
  // A road wait on a rail declaration is a bug in the state machine: permanent, not retried.
  if (document.declarationType === 'RAIL_IMPORT') throw new DeclarationNotFoundError(input.declarationId);
  const wait = { declarationId: input.declarationId, taskToken: input.taskToken };
  const now = ports.clock();
  switch (input.milestone) {
    case ROAD_WAIT.SLOT_BOOKED: {
      await ports.milestones.registerWait(input.milestone, record.id, wait, now);
      // Booked before the workflow got here (even before its risk was assessed): the slot counts now.
      const booking = await ports.slots.loadBooking(record.id);
      if (booking !== undefined) await confirmSlotAndResume(ports, record.id, booking);
      return;
    }
    case ROAD_WAIT.TRUCK_GATED_IN:
    case ROAD_WAIT.TRUCK_EXITED: {
      const booking = await ports.slots.loadBooking(record.id);
      const plate = booking?.truck.plate ?? document.truck.plate;
      await ports.milestones.registerWait(input.milestone, plate, wait, now);
      // The gate or the exit reported while the workflow was on its way here: it left its fact on the declaration.
      // Read after the wait is registered: a report that looked for waits before then wrote its fact before then.
      // A truck sent back from the gate (the officer let it come again) is SLOT_BOOKED again and waits anew.
      const current = (await ports.declarations.load(record.id)) ?? record;
      const gateIn = input.milestone === ROAD_WAIT.TRUCK_GATED_IN;
      const fact = (gateIn ? current.facts.gateIn : current.facts.exit) as RoadStageFact | undefined;
      const stageReached = current.status !== (gateIn ? 'SLOT_BOOKED' : 'RELEASED');
      if (fact !== undefined && stageReached) await resumeRoadWait(ports, input.milestone, plate, record.id, fact);
      return;
    }
    case ROAD_WAIT.TRUCK_SCANNED: {
      const booking = await ports.slots.loadBooking(record.id);
      const plate = booking?.truck.plate ?? document.truck.plate;
      await ports.milestones.registerWait(input.milestone, plate, wait, now);
      // A declaration is scanned once: a scan on record is this truck's, reported before the workflow got here
      // (read after the wait is registered, as above).
      const current = (await ports.declarations.load(record.id)) ?? record;
      const scan = current.facts.scan as RoadStageFact | undefined;
      if (scan !== undefined) await resumeRoadWait(ports, input.milestone, plate, record.id, scan);
      return;
    }
  }
}

/**
 * The broker booked a slot (the BOOK_SLOT change's event, or the booking found by the wait): a risk-assessed road
 * declaration is SLOT_BOOKED, and its workflow goes on to wait for the truck. A declaration not yet assessed keeps
 * its status: its workflow finds the booking when it gets to the wait.
 */
export async function confirmSlotAndResume(
  ports: RoadStepPorts,
  declarationId: string,
  booking: Pick<SlotBooking, 'bookedAt' | 'bookedBy' | 'startsAt' | 'laneType' | 'truck'>,
): Promise<boolean> {
  const waits = (await ports.milestones.waitsFor(ROAD_WAIT.SLOT_BOOKED, declarationId)).filter(
    (wait) => wait.declarationId === declarationId,
  );
  if (waits.length === 0) return false;
  await advanceDeclaration(ports, declarationId, {
    transition: TRANSITION.CONFIRM_BOOKING,
    actor: booking.bookedBy,
    occurredAt: booking.bookedAt,
    reason: `the truck ${booking.truck.plate} has the ${booking.laneType} slot at ${booking.startsAt}`,
    details: { slotStartsAt: booking.startsAt, laneType: booking.laneType, truckPlate: booking.truck.plate },
  });
  // Expected at the gate from now on, before the workflow gets to its wait (no task token: nothing to resume).
  await ports.milestones.registerWait(
    TRUCK_EXPECTED,
    booking.truck.plate,
    { declarationId, taskToken: NO_TASK },
    ports.clock(),
  );
  for (const wait of waits) {
    await ports.tasks.resume(wait.taskToken, { slotStartsAt: booking.startsAt, truckPlate: booking.truck.plate });
    await ports.milestones.removeWait(ROAD_WAIT.SLOT_BOOKED, declarationId, wait.declarationId);
  }
  return true;
}

/** Resumes a declaration's gate, scan or exit wait with what the port reported. */
export async function resumeRoadWait(
  ports: Pick<RoadStepPorts, 'milestones' | 'tasks'>,
  milestone: Exclude<RoadWait, typeof ROAD_WAIT.SLOT_BOOKED>,
  plate: string,
  declarationId: string,
  fact: RoadStageFact,
): Promise<boolean> {
  let resumed = false;
  for (const wait of await ports.milestones.waitsFor(milestone, plate)) {
    if (wait.declarationId !== declarationId || wait.taskToken === NO_TASK) continue;
    resumed = (await ports.tasks.resume(wait.taskToken, fact)) || resumed;
    await ports.milestones.removeWait(milestone, plate, wait.declarationId);
  }
  return resumed;
}
