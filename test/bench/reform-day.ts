import { GetExecutionHistoryCommand } from '@aws-sdk/client-sfn';
import {
  hoursOfLocalDate,
  isOperatingHour,
  localIsoOf,
  localTimeOf,
  type SlotCalendar,
} from '#domain/slot-calendar.ts';
import {
  brokerToken,
  eventually,
  officerToken,
  portOperatorToken,
  roadExportDeclaration,
  type startTestStack,
} from '../e2e/local-stack-client.ts';

/**
 * One business day of trucks at the road port, run through the local stack (issue 7, "the reform, measurable").
 * Each truck is filed, gets its risk channel, books a slot, and reaches the gate at its arrival time (a business
 * time); the stack decides when it is cleared (at once, or from the opening of the daytime freight hours) and
 * releases it; the port then reports its exit. The stack's own records give each truck's times: nothing here
 * decides when a truck may go, only how long the people and machines at the port take (the service times).
 */
export type Channel = 'GREEN' | 'YELLOW' | 'RED';

export interface Truck {
  /** When the truck reaches the gate: business time (RFC 3339). */
  readonly arrivesAt: string;
  readonly channel: Channel;
}

/** How long each step at the port takes, in business minutes (assumed, not sourced: see the README). */
export interface ServiceMinutes {
  /** A yellow truck's document check by an officer. */
  readonly documentCheck: number;
  /** A red truck's scan (the H986 scanner). */
  readonly scan: number;
  /** From release to the exit through the border. */
  readonly toExit: number;
}

export const DEFAULT_SERVICE_MINUTES: ServiceMinutes = { documentCheck: 30, scan: 20, toExit: 15 };

export interface TruckTimeline {
  readonly declarationId: string;
  readonly channel: Channel;
  readonly arrivesAt: string;
  /** When the stack cleared it to go on (the gate-in's clearanceFrom). */
  readonly clearanceFrom: string;
  readonly releasedAt: string;
  readonly exitedAt: string;
  /** The states its execution passed through. */
  readonly states: readonly string[];
}

type TestStack = Awaited<ReturnType<typeof startTestStack>>;

/**
 * A green truck is the fixtures' car carrier for a regular consignee; a yellow one also carries radio transmitters
 * without their licence, a red one sporting shotguns (HS chapter 93): the risk engine's rules give the channel.
 */
const EXTRA_GOODS: Readonly<Record<Channel, readonly Record<string, unknown>[]>> = {
  GREEN: [],
  YELLOW: [
    { hsCode: '852580', description: 'Radio transmitters', value: { amount: 9000, currency: 'USD' }, grossMassKg: 40 },
  ],
  RED: [
    { hsCode: '930320', description: 'Sporting shotguns', value: { amount: 12000, currency: 'USD' }, grossMassKg: 60 },
  ],
};

function declarationFor(channel: Channel, index: number) {
  const document = roadExportDeclaration({ plate: `RF${String(index).padStart(5, '0')}${channel[0]}` });
  return { ...document, goods: [...document.goods, ...EXTRA_GOODS[channel]] };
}

/** The bookable hours a day of trucks is spread over: from tomorrow, the lane's capacity per hour, in order. */
function slotHours(calendar: SlotCalendar, count: number): string[] {
  const hours: string[] = [];
  const capacity = calendar.capacityPerHour.VEHICLE_CARRIER;
  for (let day = 1; hours.length * capacity < count; day++) {
    const date = localTimeOf(new Date(Date.now() + day * 24 * 3_600_000), calendar.timeZone).date;
    for (const hour of hoursOfLocalDate(date, calendar.timeZone)) {
      if (isOperatingHour(calendar, hour)) hours.push(localIsoOf(new Date(hour.startsAt), calendar.timeZone));
    }
  }
  return Array.from({ length: count }, (_, index) => hours[Math.floor(index / capacity)] as string);
}

interface HistoryEntry {
  readonly status: string;
  readonly transition: string;
  readonly occurredAt: string;
  readonly details?: Record<string, unknown>;
}

const addMinutes = (at: string, minutes: number) => new Date(Date.parse(at) + minutes * 60_000).toISOString();

/** Runs the trucks through the stack, `concurrency` at a time, and answers each one's timeline. */
export async function runTrucks(
  env: TestStack,
  calendar: SlotCalendar,
  trucks: readonly Truck[],
  options: { readonly service?: ServiceMinutes; readonly concurrency?: number; readonly run?: string } = {},
): Promise<TruckTimeline[]> {
  const service = options.service ?? DEFAULT_SERVICE_MINUTES;
  const run = options.run ?? String(Date.now());
  const [broker, port, officer] = await Promise.all([brokerToken('BRK-REFORM'), portOperatorToken(), officerToken()]);
  const slots = slotHours(calendar, trucks.length);

  const declaration = async (id: string) => (await env.api.get(`/v1/declarations/${id}`, broker)).body;
  const reaches = (id: string, wanted: string) =>
    eventually(
      () => declaration(id),
      (body) => body.status === wanted,
      120_000,
    );
  const accepted = (what: string, answer: { status: number; body: unknown }, status: number) => {
    if (answer.status !== status) throw new Error(`${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
  };
  const portEvent = async (json: Record<string, unknown>) =>
    accepted(String(json.eventType), await env.api.post('/v1/port-events', { token: port, json }), 202);

  async function clear(truck: Truck, index: number): Promise<TruckTimeline> {
    const document = declarationFor(truck.channel, index);
    const filed = await env.api.post('/v1/declarations', {
      token: broker,
      idempotencyKey: `reform-${run}-${index}`,
      json: document,
    });
    accepted('filing', filed, 202);
    const id = String(filed.body.id);
    const assessed = await reaches(id, 'RISK_ASSESSED');
    const channel = (assessed.facts as { riskChannel?: string } | undefined)?.riskChannel;
    if (channel !== truck.channel)
      throw new Error(`truck ${index} was meant to be ${truck.channel}, and is ${channel}`);
    const booked = await env.api.put(`/v1/declarations/${id}/slot`, {
      token: broker,
      json: { laneType: 'VEHICLE_CARRIER', startsAt: slots[index] },
    });
    accepted('booking', booked, 201);
    await reaches(id, 'SLOT_BOOKED');
    await portEvent({
      eventType: 'TRUCK_GATED_IN',
      eventId: `reform-${run}-gate-${index}`,
      plate: document.truck.plate,
      declarationId: id,
      occurredAt: truck.arrivesAt,
    });
    const gatedIn = await eventually(
      () => declaration(id),
      (body) => (body.history as HistoryEntry[]).some((entry) => entry.transition === 'GATE_IN'),
      60_000,
    );
    const clearanceFrom = String(
      (gatedIn.history as HistoryEntry[]).find((entry) => entry.transition === 'GATE_IN')?.details?.clearanceFrom,
    );
    if (truck.channel === 'RED') {
      // The scanner reports when it has scanned the truck: the scan's length after clearance starts.
      await eventually(
        () => declaration(id),
        (body) => body.status === 'GATED_IN',
        60_000,
      );
      await portEvent({
        eventType: 'TRUCK_SCANNED',
        eventId: `reform-${run}-scan-${index}`,
        plate: document.truck.plate,
        declarationId: id,
        result: 'CLEAR',
        occurredAt: addMinutes(clearanceFrom, service.scan),
      });
    }
    if (truck.channel === 'YELLOW') {
      await eventually(
        async () =>
          ((await env.api.get(`/v1/officer/tasks?queue=officers&limit=100`, officer)).body.items ?? []) as {
            declarationId: string;
          }[],
        (items) => items.some((item) => item.declarationId === id),
        60_000,
      );
      accepted(
        'decision',
        await env.api.post(`/v1/declarations/${id}/decisions`, {
          token: officer,
          json: { decision: 'APPROVE', reason: 'documents in order' },
        }),
        200,
      );
    }
    const released = await reaches(id, 'RELEASED');
    const release = (released.history as HistoryEntry[]).find((entry) => entry.status === 'RELEASED');
    // An officer's decision is recorded when it is made (now); its business time is the check's length after clearance.
    const releasedAt =
      truck.channel === 'YELLOW' ? addMinutes(clearanceFrom, service.documentCheck) : String(release?.occurredAt);
    const exitedAt = addMinutes(releasedAt, service.toExit);
    await portEvent({
      eventType: 'TRUCK_EXITED',
      eventId: `reform-${run}-exit-${index}`,
      plate: document.truck.plate,
      declarationId: id,
      occurredAt: exitedAt,
    });
    await reaches(id, 'CLOSED');
    const road = env.stack.stateMachines.find((machine) => machine.name.endsWith('-road'));
    const executionArn = `${road?.arn.replace(':stateMachine:', ':execution:')}:${id}`;
    const events = (await env.sfn.send(new GetExecutionHistoryCommand({ executionArn }))).events ?? [];
    const states = events.flatMap((event) =>
      event.type?.endsWith('StateEntered') ? [String(event.stateEnteredEventDetails?.name)] : [],
    );
    return {
      declarationId: id,
      channel: truck.channel,
      arrivesAt: truck.arrivesAt,
      clearanceFrom,
      releasedAt,
      exitedAt,
      states,
    };
  }

  const timelines: TruckTimeline[] = new Array(trucks.length);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < trucks.length; index = next++) {
      timelines[index] = await clear(trucks[index] as Truck, index);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 6 }, worker));
  return timelines;
}
