import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { TrainRef } from '#domain/trains.ts';
import { CHROMIUM_PATH } from '../support/ensure-chromium.ts';
import {
  brokerToken,
  eventually,
  fileManifest,
  freshContainer,
  freshTrain,
  officerToken,
  portOperatorToken,
  railImportDeclaration,
  railwayToken,
  startTestStack,
  trainEvent,
} from './local-stack-client.ts';

type TestStack = Awaited<ReturnType<typeof startTestStack>>;

interface Day {
  readonly train: TrainRef;
  /** Cleared by the risk rules: released as soon as the train is through the gauge change. */
  readonly green: readonly string[];
  /** First-time consignees: each waits in the officers' queue for a document check. */
  readonly yellow: readonly string[];
}

/**
 * A day at the port, as far as the dashboard needs one: a train with green and yellow declarations, arrived and
 * through the gauge change, the yellow ones waiting for an officer. The twin (twin/run.ts, runTwin with officers
 * 'people') will drive a whole day here instead; until then the e2e fixtures file it.
 */
async function startDay(env: TestStack): Promise<Day> {
  const [broker, railway, port] = await Promise.all([brokerToken('BRK-DASH'), railwayToken(), portOperatorToken()]);
  const train = freshTrain();
  const consignments = ['green', 'green', 'yellow', 'yellow'].map((channel, index) => ({
    channel,
    waybillNumber: `SMGS${train.trainNumber}${index}`.slice(0, 30),
    container: freshContainer(),
  }));
  assert.equal((await fileManifest(env.api, railway, train, consignments)).status, 201);
  const filed: { id: string; channel: string }[] = [];
  for (const [index, consignment] of consignments.entries()) {
    const answer = await env.api.post('/v1/declarations', {
      token: broker,
      idempotencyKey: `${train.trainNumber}-${index}`,
      json: {
        ...railImportDeclaration({ ...consignment, train }),
        ...(consignment.channel === 'yellow'
          ? { consignee: { name: `Newcomer ${train.trainNumber}-${index} LLP` } }
          : {}),
      },
    });
    assert.equal(answer.status, 202, JSON.stringify(answer.body));
    filed.push({ id: String(answer.body.id), channel: consignment.channel });
  }
  const read = (id: string) => env.api.get(`/v1/declarations/${id}`, broker);
  for (const { id } of filed)
    await eventually(
      () => read(id),
      (answer) => answer.body.status === 'AWAITING_ARRIVAL',
    );
  assert.equal(
    (await env.api.post('/v1/port-events', { token: railway, json: trainEvent('TRAIN_ARRIVED', train) })).status,
    202,
  );
  for (const event of ['TRANSSHIPMENT_STARTED', 'TRANSSHIPMENT_COMPLETED'] as const) {
    assert.equal((await env.api.post('/v1/port-events', { token: port, json: trainEvent(event, train) })).status, 202);
  }
  const green = filed.filter((declaration) => declaration.channel === 'green').map(({ id }) => id);
  const yellow = filed.filter((declaration) => declaration.channel === 'yellow').map(({ id }) => id);
  for (const id of green)
    await eventually(
      () => read(id),
      (answer) => answer.body.status === 'RELEASED',
    );
  for (const id of yellow) {
    await eventually(
      () => read(id),
      (answer) => (answer.body.tracks as { inspection?: string } | undefined)?.inspection === 'DOCUMENT_REVIEW',
    );
  }
  return { train, green, yellow };
}

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

describe('the operations dashboard, in a real browser', () => {
  let env: TestStack;
  let day: Day;
  let browser: Browser;
  let officer: string;
  const pageErrors: string[] = [];

  before(async () => {
    env = await startTestStack();
    [day, browser, officer] = await Promise.all([
      startDay(env),
      chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS, headless: true }),
      officerToken(),
    ]);
  });
  after(async () => {
    await browser?.close();
    await env?.stop();
  });

  /** The dashboard opened with a token in its fragment, as `npm start` prints it. */
  async function open(token: string, options: { refreshSeconds?: number } = {}): Promise<Page> {
    const page = await browser.newPage();
    // A script the policy blocked, or one that failed, shows here: the page must run under its own CSP.
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    const refresh = options.refreshSeconds === undefined ? '' : `&refresh=${options.refreshSeconds}`;
    await page.goto(`${env.stack.apiUrl}/dashboard#token=${encodeURIComponent(token)}${refresh}`);
    return page;
  }

  const row = (id: string) => `#declarations tr[data-id="${id}"]`;

  it('lists the day’s declarations for an officer; the officer approves the yellow one and sees it released', async () => {
    const page = await open(officer, { refreshSeconds: 1 });
    for (const id of [...day.green, ...day.yellow]) await page.waitForSelector(row(id));
    const [yellow = ''] = day.yellow;
    assert.equal(await page.getAttribute(row(yellow), 'data-status'), 'ARRIVED');
    assert.match(String(await page.textContent(row(yellow))), new RegExp(day.train.trainNumber));
    assert.equal(await page.getAttribute(row(day.green[0] ?? ''), 'data-status'), 'RELEASED');
    assert.match(String(await page.textContent(`#trains tr[data-train^="${day.train.trainNumber}@"]`)), /2 \/ 4/);
    assert.equal(new URL(page.url()).hash, '', 'the token leaves the address bar once read');

    const task = `#queue tr[data-id="${yellow}"]`;
    await page.click(`${task} button[data-decision="APPROVE"]`);
    await page.fill(`${task} input[name="reason"]`, 'invoice and packing list agree');
    await page.click(`${task} form button[type="submit"]`);

    await page.waitForSelector(`${row(yellow)}[data-status="RELEASED"]`, { timeout: 30_000 });
    await page.waitForSelector(task, { state: 'detached' });
    assert.equal(await page.textContent('#problem'), '');
    assert.deepEqual(pageErrors, []);
    await page.close();
  });

  it('shows the port operator the board without the queue or a single decision button', async () => {
    const page = await open(await portOperatorToken());
    await page.waitForSelector(row(day.yellow[1] ?? ''));
    assert.equal(await page.isHidden('#queue'), true);
    assert.equal(await page.locator('button[data-decision]').count(), 0);
    assert.equal(await page.textContent('#role'), 'port-operator');
    assert.deepEqual(pageErrors, []);
    await page.close();
  });

  it('shows the problem+json detail of a decision the API refuses (another officer decided first)', async () => {
    const [, yellow = ''] = day.yellow;
    const page = await open(officer, { refreshSeconds: 0 });
    const task = `#queue tr[data-id="${yellow}"]`;
    await page.waitForSelector(task);
    const decisions = `/v1/declarations/${yellow}/decisions`;
    const first = await env.api.post(decisions, { token: officer, json: { decision: 'APPROVE', reason: 'checked' } });
    assert.equal(first.status, 200, JSON.stringify(first.body));

    await page.click(`${task} button[data-decision="REJECT"]`);
    await page.fill(`${task} input[name="reason"]`, 'the invoice is forged');
    await page.click(`${task} form button[type="submit"]`);

    // What the API answers that same decision now, word for word on the page.
    const refused = await env.api.post(decisions, {
      token: officer,
      json: { decision: 'REJECT', reason: 'the invoice is forged' },
    });
    assert.equal(refused.status, 409);
    await page.waitForSelector('#problem:not(:empty)');
    const shown = String(await page.textContent('#problem'));
    assert.ok(shown.includes(String(refused.body.detail)), `${shown} names ${String(refused.body.detail)}`);
    assert.ok(shown.includes('409'), shown);
    await page.close();
  });
});
