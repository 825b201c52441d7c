import './lambda-concurrency.ts';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  brokerToken,
  eventually,
  portOperatorToken,
  roadExportDeclaration,
  startTestStack,
  tomorrowAtTen,
} from './local-stack-client.ts';

/**
 * The red truck's scan on the local stack (issue 7): a truck the risk rules send to the red channel is filed,
 * books its slot, gates in, waits for the scanner; the scanner finds its load clear and it is released, exits and
 * is closed, the scan in its history with the port's clerk and the scanner's time. A green truck is not scanned.
 */
interface HistoryEntry {
  readonly status: string;
  readonly transition: string;
  readonly actor: { readonly kind: string; readonly id: string };
  readonly occurredAt: string;
  readonly reason: string;
  readonly details?: Record<string, unknown>;
}

/** Fireworks (HS chapter 36) on a freight truck: the risk rules' high-risk chapter makes the channel RED. */
function redTruckDeclaration() {
  const { vehicles: _vehicles, ...truck } = roadExportDeclaration();
  return {
    ...truck,
    goods: [
      {
        hsCode: '360410',
        description: 'Fireworks',
        value: { amount: 18000, currency: 'USD' },
        grossMassKg: 4200,
      },
    ],
  };
}

describe('a red truck at the scanner, end to end on the local stack', () => {
  let env: Awaited<ReturnType<typeof startTestStack>>;
  let broker: string;
  let port: string;

  before(async () => {
    env = await startTestStack();
    [broker, port] = await Promise.all([brokerToken('BRK-SCAN'), portOperatorToken()]);
  });
  after(async () => env?.stop());

  const read = async (id: string) => (await env.api.get(`/v1/declarations/${id}`, broker)).body;
  const reaches = (id: string, wanted: string) =>
    eventually(
      async () => String((await read(id)).status),
      (status) => status === wanted,
      60_000,
    );
  let filings = 0;
  /** Filed and booked for tomorrow 10:00; answers once its workflow waits at the gate. */
  async function bookedTruck(
    document: ReturnType<typeof roadExportDeclaration> | ReturnType<typeof redTruckDeclaration>,
  ) {
    const filed = await env.api.post('/v1/declarations', {
      token: broker,
      idempotencyKey: `road-scan-${++filings}`,
      json: document,
    });
    assert.equal(filed.status, 202, JSON.stringify(filed.body));
    const id = String(filed.body.id);
    await reaches(id, 'RISK_ASSESSED');
    const booked = await env.api.put(`/v1/declarations/${id}/slot`, {
      token: broker,
      json: { laneType: 'vehicles' in document ? 'VEHICLE_CARRIER' : 'FREIGHT', startsAt: tomorrowAtTen() },
    });
    assert.equal(booked.status, 201, JSON.stringify(booked.body));
    await reaches(id, 'SLOT_BOOKED');
    return id;
  }
  const report = (json: Record<string, unknown>) => env.api.post('/v1/port-events', { token: port, json });

  it('scans a red truck clear and releases it: gate, scan, release, exit, closed, the scan with its clerk and time', async () => {
    const document = redTruckDeclaration();
    const id = await bookedTruck(document);
    const plate = document.truck.plate;
    const gated = await report({
      eventType: 'TRUCK_GATED_IN',
      eventId: `gate-${id}`,
      plate,
      occurredAt: '2026-11-21T10:12:00.000+08:00',
    });
    assert.equal(gated.status, 202, JSON.stringify(gated.body));
    await reaches(id, 'GATED_IN');

    const scan = {
      eventType: 'TRUCK_SCANNED',
      eventId: `scan-${id}`,
      plate,
      scanner: 'NUCTECH-2',
      result: 'CLEAR',
      remarks: 'cartons as declared',
      occurredAt: '2026-11-21T10:31:00.000+08:00',
    };
    const scanned = await report(scan);
    assert.equal(scanned.status, 202, JSON.stringify(scanned.body));
    assert.deepEqual(scanned.body.resumedDeclarations, [id]);
    // The scanner's retry is answered the same and changes nothing.
    const retried = await report(scan);
    assert.equal(retried.status, 202, JSON.stringify(retried.body));
    await reaches(id, 'RELEASED');

    const exited = await report({
      eventType: 'TRUCK_EXITED',
      eventId: `exit-${id}`,
      plate,
      occurredAt: '2026-11-21T11:02:00.000+08:00',
    });
    assert.equal(exited.status, 202, JSON.stringify(exited.body));
    await reaches(id, 'CLOSED');

    const history = (await read(id)).history as HistoryEntry[];
    assert.deepEqual(
      history.map((entry) => [entry.transition, entry.status]),
      [
        ['FILE', 'RECEIVED'],
        ['ASSIGN_RISK_CHANNEL', 'RISK_ASSESSED'],
        ['BOOK_SLOT', 'RISK_ASSESSED'],
        ['CONFIRM_BOOKING', 'SLOT_BOOKED'],
        ['GATE_IN', 'GATED_IN'],
        ['RECORD_SCAN', 'GATED_IN'],
        ['SECURE_DUTIES', 'DUTIES_SECURED'],
        ['RELEASE', 'RELEASED'],
        ['RECORD_EXIT', 'EXITED'],
        ['CLOSE', 'CLOSED'],
      ],
    );
    const recorded = history.find((entry) => entry.transition === 'RECORD_SCAN');
    assert.equal(recorded?.actor.kind, 'port-operator');
    assert.equal(recorded?.occurredAt, scan.occurredAt);
    assert.equal(recorded?.reason, 'scanner NUCTECH-2 found the load as declared: cartons as declared');
    assert.equal(recorded?.details?.scanResult, 'CLEAR');
    assert.equal(recorded?.details?.portEventId, scan.eventId);
  });

  it('refuses a scan of a green truck, naming its channel, and changes nothing', async () => {
    const document = roadExportDeclaration();
    const id = await bookedTruck(document);
    const before = await read(id);

    const scanned = await report({
      eventType: 'TRUCK_SCANNED',
      eventId: `scan-green-${id}`,
      plate: document.truck.plate,
      declarationId: id,
      result: 'CLEAR',
      occurredAt: new Date().toISOString(),
    });

    assert.equal(scanned.status, 409, JSON.stringify(scanned.body));
    assert.deepEqual(
      scanned.body.errors?.map(({ field, rule }) => ({ field, rule })),
      [{ field: '/declarationId', rule: 'red-channel' }],
    );
    assert.match(String(scanned.body.detail), new RegExp(`no scan is called for: ${id} is GREEN`));
    const after = await read(id);
    assert.equal(after.version, before.version);
    assert.equal(after.status, 'SLOT_BOOKED');
  });
});
