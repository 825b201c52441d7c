import { TRANSITION } from '#domain/lifecycle.ts';
import { type MilestoneNotice, noticeOf, ROAD_WAIT, TRUCK_EXPECTED, type TruckScanned } from '#domain/port-events.ts';
import { decideScan, SCAN_RESULT, type ScanDecision, scanReason } from '#domain/road-scan.ts';
import { advanceDeclaration } from './advance-declaration.ts';
import type { Caller, Clock, DeclarationRecord, DeclarationStore, MilestoneStore, TaskCallbacks } from './ports.ts';
import type { PortEventOutcome } from './report-port-event.ts';
import { type RoadStageFact, resumeRoadWait } from './road-steps.ts';
import type { SlotStore } from './slots.ts';

export interface TruckScanPorts {
  readonly declarations: DeclarationStore;
  readonly milestones: MilestoneStore;
  readonly tasks: TaskCallbacks;
  readonly slots: Pick<SlotStore, 'loadBooking'>;
  readonly clock: Clock;
}

type Refusal = Extract<PortEventOutcome, { kind: 'refused' }>;

interface ScanTarget {
  readonly record: DeclarationRecord;
  readonly plate: string;
  /** This very report was recorded before (a retry): nothing to write, resume again. */
  readonly replay: boolean;
}

/**
 * The scanner reports a truck it scanned after the gate. The declaration is the one the driver's booking names
 * (declarationId), else the one waiting for the plate read: a red-channel truck that gated in with a booked slot
 * and was not scanned yet, else the report is refused and nothing is written. The scan is recorded here with the
 * port's actor and business time (a suspicious one also holds the declaration with the scanner's reason), and the
 * workflow's wait is resumed with it.
 */
export async function reportTruckScan(
  ports: TruckScanPorts,
  event: TruckScanned,
  caller: Caller,
): Promise<PortEventOutcome> {
  const notice = noticeOf(event, caller.actor);
  const named = event.declarationId !== undefined;
  const ids = named
    ? [event.declarationId as string]
    : [
        ...new Set(
          [
            ...(await ports.milestones.waitsFor(ROAD_WAIT.TRUCK_SCANNED, event.plate)),
            ...(await ports.milestones.waitsFor(TRUCK_EXPECTED, event.plate)),
          ].map((wait) => wait.declarationId),
        ),
      ];
  const targets: ScanTarget[] = [];
  // A plate comes back trip after trip: without a declaration named, the first declaration found that the scan
  // does not concern says why, if none is concerned.
  let firstRefusal: Refusal | undefined;
  for (const id of ids) {
    const record = await ports.declarations.load(id);
    if (record === undefined || record.declarationType === 'RAIL_IMPORT') {
      if (!named) continue;
      return refuse(422, '/declarationId', 'road-declaration', `no road declaration ${id}`);
    }
    const booking = await ports.slots.loadBooking(id);
    if (booking === undefined) {
      if (!named) continue;
      return refuse(
        409,
        '/declarationId',
        'booked-slot',
        `${id} has no slot booked: the truck books one before the gate`,
      );
    }
    const decision: ScanDecision = decideScan(
      {
        id,
        status: record.status,
        ...(typeof record.facts.riskChannel === 'string' ? { riskChannel: record.facts.riskChannel } : {}),
        ...(record.facts.scan === undefined ? {} : { scan: record.facts.scan as MilestoneNotice }),
      },
      event.eventId,
      named ? '/declarationId' : '/plate',
    );
    if (decision.kind === 'refused') {
      if (named) return decision;
      firstRefusal ??= decision;
      continue;
    }
    targets.push({ record, plate: booking.truck.plate, replay: decision.kind === 'replay' });
  }
  if (targets.length === 0) {
    return (
      firstRefusal ??
      refuse(
        409,
        '/plate',
        'booked-truck',
        `no declaration with a booked slot waits for truck ${event.plate} at the scanner: name the declaration (declarationId)`,
      )
    );
  }
  const resumed: string[] = [];
  for (const target of targets) {
    const fact = target.replay
      ? (target.record.facts.scan as RoadStageFact)
      : await recordScan(ports, target, event, notice);
    // Its workflow goes on now, or as soon as it reaches the wait and finds the scan recorded.
    await resumeRoadWait(ports, ROAD_WAIT.TRUCK_SCANNED, target.plate, target.record.id, fact);
    resumed.push(target.record.id);
  }
  return {
    kind: 'reported',
    eventId: event.eventId,
    eventType: event.eventType,
    key: event.plate,
    resumedDeclarations: resumed,
    resumptionsFollow: false,
  };
}

/** The scan in the history (and a hold if it is suspicious), as the scanner reported it; the fact resumes the wait. */
async function recordScan(
  ports: TruckScanPorts,
  target: ScanTarget,
  event: TruckScanned,
  notice: MilestoneNotice,
): Promise<RoadStageFact> {
  const stage = { actor: notice.reportedBy, occurredAt: notice.occurredAt, reason: scanReason(event) };
  const details = { ...notice.facts, portEventId: notice.portEventId };
  const { record } = await advanceDeclaration(
    ports,
    target.record,
    { transition: TRANSITION.RECORD_SCAN, ...stage, details },
    { scan: notice },
  );
  if (event.result === SCAN_RESULT.SUSPICIOUS) {
    await advanceDeclaration(ports, record, { transition: TRANSITION.HOLD, ...stage, details });
  }
  return notice;
}

function refuse(status: 409 | 422, field: string, rule: string, detail: string): Refusal {
  return { kind: 'refused', status, field, rule, detail };
}
