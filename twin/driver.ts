import { localIsoOf, localTimeOf } from '#domain/slot-calendar.ts';
import { type Answer, sleep, type TwinApi, TwinApiError } from './api.ts';
import {
  manifestOf,
  plateOf,
  type RunIdentity,
  railDeclarationOf,
  roadDeclarationOf,
  trainRefOf,
} from './documents.ts';
import type { Channel, Scenario } from './scenario.ts';
import {
  type DayPlan,
  type InspectionJob,
  type InspectionOutcome,
  type PlannedTrain,
  type PlannedTruck,
  scheduleInspections,
} from './simulation.ts';
import { type FeedEvent, StatusBoard } from './status-board.ts';

/**
 * Drives a planned day through the API, in stages (see twin/README in the project README, "Digital twin"):
 *
 * (b) filings, manifests, train events, slot bookings and gate-ins, all at once, each declaration's steps in
 *     order; what the stack decides (channels, each truck's clearanceFrom) is read back from the event feed;
 * (c) the scanners and officers are simulated on those ready times;
 * (d) scans, officer decisions (with their business time, `occurredAt`, where the API takes one) and exits.
 *
 * Every business time sent comes from the simulation, so the same plan gives the same histories.
 */
export type OfficerMode = 'simulated' | 'people';

export interface Progress {
  readonly stage: string;
  readonly declarations: number;
  /** Declarations whose every step the twin had to send has been sent. */
  readonly driven: number;
  /** Declarations at their end status. */
  readonly closed: number;
  /** The latest business time sent. */
  readonly businessClock?: string;
  readonly requests: number;
}

export interface DrivenDeclaration {
  readonly id: string;
  readonly key: string;
  readonly flow: 'RAIL' | 'ROAD';
  readonly plannedChannel: Channel;
  readonly agricultural: boolean;
  readonly trainKey?: string;
  readonly plate?: string;
  readonly laneType?: string;
}

export interface DriveOptions {
  readonly scenario: Scenario;
  readonly plan: DayPlan;
  readonly api: TwinApi;
  readonly run: RunIdentity;
  readonly officers: OfficerMode;
  readonly onProgress?: (progress: Progress) => void;
  /** Told, once, which declarations have not moved for `stallSeconds` (60): where a run that hangs is stuck. */
  readonly onStall?: (description: string) => void;
  readonly stallSeconds?: number;
  readonly signal?: AbortSignal;
}

/** Where each flow's declarations end when nothing goes wrong; REJECTED and CANCELLED end them too. */
const END_STATUSES = { RAIL: ['RELEASED', 'REJECTED', 'CANCELLED'], ROAD: ['CLOSED', 'REJECTED', 'CANCELLED'] };
const DAY_MS = 24 * 3_600_000;

export async function driveDay(options: DriveOptions): Promise<DrivenDeclaration[]> {
  const { scenario, plan, api, run, officers } = options;
  const board = new StatusBoard(api, scenario.brokers);
  const total = plan.railDeclarations.length + plan.trucks.length;
  let driven = 0;
  const closed = new Set<string>();
  let businessClock = 0;
  let stage = 'filing';
  const declarations = new Map<string, DrivenDeclaration>();
  const ids = new Map<string, string>();
  const report = () =>
    options.onProgress?.({
      stage,
      declarations: total,
      driven,
      closed: closed.size,
      ...(businessClock === 0 ? {} : { businessClock: new Date(businessClock).toISOString() }),
      requests: api.requests,
    });
  const sentAt = (at: number) => {
    businessClock = Math.max(businessClock, at);
    return localIsoOf(new Date(at), scenario.timeZone);
  };
  board.onEvent((event) => {
    const declaration = declarations.get(event.declarationId);
    if (declaration !== undefined && END_STATUSES[declaration.flow].includes(event.status)) closed.add(declaration.id);
  });
  let lastMove = Date.now();
  let stallReported = false;
  board.onEvent(() => {
    lastMove = Date.now();
  });
  const ticker = setInterval(() => {
    report();
    if (!stallReported && stage !== 'filing' && Date.now() - lastMove > (options.stallSeconds ?? 60) * 1000) {
      stallReported = true;
      const stuck = [...declarations.values()].filter(
        (declaration) => !END_STATUSES[declaration.flow].includes(board.view(declaration.id)?.status ?? ''),
      );
      options.onStall?.(
        stuck
          .slice(0, 20)
          .map((declaration) => {
            const view = board.view(declaration.id);
            const last = view?.events.at(-1);
            return `${declaration.key} ${declaration.id} ${view?.status} (${declaration.plannedChannel}), last ${last?.transition} ${last?.trackState ?? ''}`;
          })
          .join('\n'),
      );
    }
  }, 500);
  const railway = api.tokens.railway;
  const port = api.tokens.portOperator;

  const portEvent = (json: Record<string, unknown>, token = port) =>
    api.expect([202], `port event ${json.eventType} ${json.eventId}`, 'POST', '/v1/port-events', token, { json });
  const file = async (key: string, broker: string, document: unknown): Promise<string> => {
    const filed = await api.expect(202, `filing ${key}`, 'POST', '/v1/declarations', api.brokerToken(broker), {
      json: document,
      headers: { 'idempotency-key': `twin-${run.tag}-${key}` },
    });
    return String(filed.body.id);
  };
  const reaches = (id: string, statuses: readonly string[]) =>
    board.until(id, (view) => statuses.includes(view.status) || view.status === 'REJECTED');

  try {
    const slotOffsetDays = await slotOffset(api, scenario, plan);

    // (b) Everything that depends on nothing the stack decides.
    const trains = new Map(plan.trains.map((train) => [train.index, train]));
    const onTrain = Map.groupBy(plan.railDeclarations, (declaration) => declaration.train);
    const railPipelines = plan.trains.map(async (train) => {
      const ref = trainRefOf(run, train);
      const planned = onTrain.get(train.index) ?? [];
      await api.expect(
        [200, 201],
        `manifest of ${ref.trainNumber}`,
        'PUT',
        `/v1/trains/${ref.trainNumber}/${ref.trainDate}/manifest`,
        railway,
        { json: manifestOf(run, train, scenario.rail.containersPerTrain, planned) },
      );
      const filed = await Promise.all(
        planned.map(async (declaration) => {
          const id = await file(declaration.key, declaration.broker, railDeclarationOf(run, train, declaration));
          ids.set(declaration.key, id);
          declarations.set(id, {
            id,
            key: declaration.key,
            flow: 'RAIL',
            plannedChannel: declaration.channel,
            agricultural: declaration.agricultural,
            trainKey: `${ref.trainNumber}@${ref.trainDate}`,
          });
          const view = await reaches(id, ['AWAITING_ARRIVAL', 'MANIFEST_MISMATCH']);
          if (view.status !== 'AWAITING_ARRIVAL')
            throw new TwinApiError(`${declaration.key} (${id}) is ${view.status}, not waiting for its train`);
          return id;
        }),
      );
      const trainEvent = (eventType: string, at: number) => ({
        eventType,
        eventId: `twin-${run.tag}-${train.index}-${eventType}`,
        train: ref,
        occurredAt: sentAt(at),
      });
      await portEvent(trainEvent('TRAIN_ARRIVED', train.arrivesAt), railway);
      await portEvent(trainEvent('TRANSSHIPMENT_STARTED', train.transshipmentStartsAt));
      await portEvent(trainEvent('TRANSSHIPMENT_COMPLETED', train.transshipmentEndsAt));
      return filed;
    });

    const clearances = new Map<string, number>();
    const roadPipelines = plan.trucks.map(async (truck) => {
      const document = roadDeclarationOf(run, truck);
      const id = await file(truck.key, truck.broker, document);
      ids.set(truck.key, id);
      declarations.set(id, {
        id,
        key: truck.key,
        flow: 'ROAD',
        plannedChannel: truck.channel,
        agricultural: truck.agricultural,
        plate: document.truck.plate,
        laneType: truck.lane,
      });
      await reaches(id, ['RISK_ASSESSED']);
      const startsAt = truck.slotStartsAt + slotOffsetDays * DAY_MS;
      await api.expect(
        [200, 201],
        `slot of ${truck.key}`,
        'PUT',
        `/v1/declarations/${id}/slot`,
        api.brokerToken(truck.broker),
        {
          json: { laneType: truck.lane, startsAt: localIsoOf(new Date(startsAt), scenario.timeZone) },
        },
      );
      await reaches(id, ['SLOT_BOOKED']);
      await portEvent({
        eventType: 'TRUCK_GATED_IN',
        eventId: `twin-${run.tag}-${truck.key}-GATE`,
        plate: document.truck.plate,
        declarationId: id,
        gate: `G${truck.gateLane + 1}`,
        occurredAt: sentAt(truck.gateInAt),
      });
      const gatedIn = await board.change(id, (event) => event.transition === 'GATE_IN');
      clearances.set(truck.key, Date.parse(String(gatedIn.details?.clearanceFrom ?? gatedIn.occurredAt)));
    });
    await Promise.all([...railPipelines, ...roadPipelines]);

    // What the stack decided: each declaration's channel (its risk assessment), and when each truck is cleared.
    const channelOf = (key: string, planned: Channel): Channel => {
      const id = ids.get(key) as string;
      const assessed = board.view(id)?.events.find((event) => event.transition === 'ASSIGN_RISK_CHANNEL');
      return (assessed?.details?.channel as Channel | undefined) ?? planned;
    };
    const jobs: InspectionJob[] = [
      ...plan.railDeclarations.map(
        (declaration): InspectionJob => ({
          key: declaration.key,
          channel: channelOf(declaration.key, declaration.channel),
          flow: 'RAIL',
          readyAt: (trains.get(declaration.train) as PlannedTrain).arrivesAt,
          scans: declaration.containers.length,
        }),
      ),
      ...plan.trucks.map(
        (truck): InspectionJob => ({
          key: truck.key,
          channel: channelOf(truck.key, truck.channel),
          flow: 'ROAD',
          readyAt: clearances.get(truck.key) as number,
          scans: 1,
        }),
      ),
    ];
    const railDone = plan.railDeclarations.filter((declaration) => {
      const channel = jobs.find((job) => job.key === declaration.key)?.channel;
      return channel === 'GREEN';
    }).length;
    driven += railDone;

    // (c) The scanners and officers, on the stack's ready times.
    stage = 'inspections';
    const outcomes = scheduleInspections(
      scenario,
      jobs.filter((job) => job.channel !== 'GREEN'),
    );

    // (d) Scans, decisions, exits.
    const decisions =
      officers === 'simulated'
        ? decideAsOfficers(api, run, outcomes, jobs, ids, sentAt, await takesBusinessTime(api), options.signal)
        : Promise.resolve();
    const scans = plan.trucks
      .filter((truck) => jobs.find((job) => job.key === truck.key)?.channel === 'RED')
      .map(async (truck) => {
        const scan = outcomes.get(truck.key)?.scan;
        if (scan === undefined) return;
        await portEvent({
          eventType: 'TRUCK_SCANNED',
          eventId: `twin-${run.tag}-${truck.key}-SCAN`,
          plate: plateOf(run, truck),
          declarationId: ids.get(truck.key),
          scanner: `H986-${scan.scanner + 1}`,
          result: 'CLEAR',
          occurredAt: sentAt(scan.endsAt),
        });
      });
    const exits = plan.trucks.map(async (truck) => {
      const id = ids.get(truck.key) as string;
      const view = await reaches(id, ['RELEASED', 'EXITED', 'CLOSED']);
      if (view.status === 'REJECTED') return;
      const release = view.events.find((event) => event.status === 'RELEASED' && event.transition === 'RELEASE');
      const releasedAt = exitFrom(truck, outcomes.get(truck.key), clearances.get(truck.key), release);
      // A release stamped with the wall clock (an officer's decision without its business time) is not exited in the future.
      const exitAt = Math.min(releasedAt + scenario.resources.exitMinutes * 60_000, Date.now() - 60_000);
      await portEvent({
        eventType: 'TRUCK_EXITED',
        eventId: `twin-${run.tag}-${truck.key}-EXIT`,
        plate: plateOf(run, truck),
        declarationId: id,
        occurredAt: sentAt(exitAt),
      });
      driven++;
    });
    const railDecided = plan.railDeclarations.map(async (declaration) => {
      const id = ids.get(declaration.key) as string;
      if (jobs.find((job) => job.key === declaration.key)?.channel === 'GREEN') return;
      await board.until(id, (view) => view.events.some((event) => event.transition === 'PASS_INSPECTION'));
      driven++;
    });
    stage = 'inspections and exits';
    await Promise.all([decisions, ...scans, ...exits, ...railDecided]);

    stage = 'closing';
    await Promise.all(
      [...declarations.values()].map((declaration) => reaches(declaration.id, END_STATUSES[declaration.flow])),
    );
    return [...declarations.values()];
  } finally {
    clearInterval(ticker);
    report();
    await board.stop();
  }
}

/** When a truck was released, by the model: the officer's decision or the scan; a green one at its clearance. */
function exitFrom(
  truck: PlannedTruck,
  outcome: InspectionOutcome | undefined,
  clearanceFrom: number | undefined,
  release: FeedEvent | undefined,
): number {
  if (outcome !== undefined) return outcome.doneAt;
  if (release !== undefined) return Date.parse(release.occurredAt);
  return clearanceFrom ?? truck.gateInAt;
}

/**
 * The officers: each planned decision is sent once its task is in a queue (the officers', or the supervisors'
 * where its deadline passed), read a page at a time: the queue is the officers' own worklist.
 */
async function decideAsOfficers(
  api: TwinApi,
  run: RunIdentity,
  outcomes: ReadonlyMap<string, InspectionOutcome>,
  jobs: readonly InspectionJob[],
  ids: ReadonlyMap<string, string>,
  sentAt: (at: number) => string,
  withBusinessTime: boolean,
  signal: AbortSignal | undefined,
): Promise<void> {
  const pending = new Map<string, { key: string; decidedAt: number }>();
  for (const job of jobs) {
    const decision = outcomes.get(job.key)?.decision;
    if (decision !== undefined)
      pending.set(ids.get(job.key) as string, { key: job.key, decidedAt: decision.decidedAt });
  }
  const officer = api.tokens.officer;
  let pause = 300;
  while (pending.size > 0) {
    const open: string[] = [];
    for (const queue of ['officers', 'supervisors']) {
      let cursor: string | undefined;
      do {
        const query = new URLSearchParams({ queue, limit: '100', ...(cursor === undefined ? {} : { cursor }) });
        const page = await api.expect(200, 'the officers’ queue', 'GET', `/v1/officer/tasks?${query}`, officer);
        for (const task of (page.body.items ?? []) as { declarationId: string }[]) open.push(task.declarationId);
        cursor = page.body.nextCursor as string | undefined;
      } while (cursor !== undefined);
    }
    const ready = [...new Set(open)].filter((id) => pending.has(id));
    await Promise.all(
      ready.map(async (id) => {
        const { key, decidedAt } = pending.get(id) as { key: string; decidedAt: number };
        const answer: Answer = await api.call('POST', `/v1/declarations/${id}/decisions`, officer, {
          json: {
            decision: 'APPROVE',
            reason: 'documents and goods as declared',
            decisionId: `twin-${run.tag}-${key}`,
            ...(withBusinessTime ? { occurredAt: sentAt(decidedAt) } : {}),
          },
        });
        // 409: the task moved between the read and the decision (escalated to the supervisors): the next read has it.
        if (answer.status === 200) pending.delete(id);
        else if (answer.status !== 409) throw new TwinApiError(`decision on ${key} (${id})`, answer);
      }),
    );
    if (pending.size === 0) break;
    pause = ready.length > 0 ? 300 : Math.min(pause * 1.5, 3_000);
    await sleep(pause, signal);
  }
}

/** Whether the API takes an officer's decision with its business time (`occurredAt`): its own contract says. */
async function takesBusinessTime(api: TwinApi): Promise<boolean> {
  const answer = await api.call('GET', '/v1/openapi.json', api.tokens.officer);
  const paths = answer.body.paths as Record<string, { post?: { requestBody?: unknown } }> | undefined;
  const request = paths?.['/v1/declarations/{id}/decisions']?.post?.requestBody as
    | { content?: { 'application/json'?: { schema?: { properties?: Record<string, unknown> } } } }
    | undefined;
  return request?.content?.['application/json']?.schema?.properties?.occurredAt !== undefined;
}

/**
 * Slots are booked on coming days (a booking must be in the future; a gate-in before its slot is early, not a
 * no-show), shifted whole days from the simulated day so each truck keeps its hour of the day. The shift is the
 * first that puts every slot in the future and finds each hour with the units the plan needs still free, so the
 * stack never refuses a booking (another run on the same stack took other hours).
 */
async function slotOffset(api: TwinApi, scenario: Scenario, plan: DayPlan): Promise<number> {
  if (plan.trucks.length === 0) return 0;
  const needed = new Map<string, number>();
  for (const truck of plan.trucks) {
    const key = `${truck.lane}@${truck.slotStartsAt}`;
    needed.set(key, (needed.get(key) ?? 0) + 1);
  }
  const earliest = Math.min(...plan.trucks.map((truck) => truck.slotStartsAt));
  const broker = api.brokerToken(scenario.brokers[0] as string);
  let offset = Math.max(1, Math.ceil((Date.now() + 3_600_000 - earliest) / DAY_MS));
  for (let tries = 0; tries < 60; tries++, offset++) {
    const availability = new Map<string, number>();
    const dates = new Set(
      [...needed.keys()].map((key) => {
        const startsAt = Number(key.split('@')[1]) + offset * DAY_MS;
        return `${key.split('@')[0]}@${localTimeOf(new Date(startsAt), scenario.timeZone).date}`;
      }),
    );
    for (const laneDate of dates) {
      const [laneType, date] = laneDate.split('@') as [string, string];
      const day = await api.expect(
        200,
        'slot availability',
        'GET',
        `/v1/slots?date=${date}&laneType=${laneType}`,
        broker,
      );
      if (day.body.freightHours !== scenario.slots.freightHours)
        throw new TwinApiError(
          `the stack clears freight ${String(day.body.freightHours)}, the scenario ${scenario.slots.freightHours}: start the stack with the scenario's calendar`,
        );
      for (const hour of day.body.hours as { startsAt: string; available: number; bookable: boolean }[]) {
        availability.set(`${laneType}@${Date.parse(hour.startsAt)}`, hour.bookable ? hour.available : 0);
      }
    }
    const fits = [...needed].every(([key, count]) => {
      const [lane, at] = key.split('@') as [string, string];
      return (availability.get(`${lane}@${Number(at) + offset * DAY_MS}`) ?? 0) >= count;
    });
    if (fits) return offset;
  }
  throw new TwinApiError('no run of coming days has the slots the plan needs free (60 days tried)');
}
