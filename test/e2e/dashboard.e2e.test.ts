import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { LocalStack } from '#local/local-stack.ts';
import type { OfficerTaskItem } from '#shared/officer-schemas.ts';
import type { PortDeclarationItem } from '#shared/port-board-schemas.ts';
import { localTokens, runTwin, startTwinStack } from '#twin/run.ts';
import type { TwinRunRecord } from '#twin/run-record.ts';
import { scenarioFrom } from '#twin/scenario.ts';
import { planDay } from '#twin/simulation.ts';
import { CHROMIUM_PATH } from '../support/ensure-chromium.ts';
import { apiClient, eventually, portOperatorToken } from './local-stack-client.ts';

/**
 * A small day at the port, driven by the twin through the stack while the test watches: two trains of two
 * declarations and four trucks, half of them yellow. The twin's officers are people (`officers: 'people'`): it
 * decides nothing and waits, so each yellow declaration stays in the officers' queue until someone acts on it,
 * here from the dashboard in Chromium.
 */
const scenario = scenarioFrom({
  name: 'dashboard-day',
  // A seed whose plan has two yellow rail declarations (checked below) and yellow trucks.
  seed: 4,
  rail: { trainsPerDay: 2, containersPerTrain: 4, containersPerDeclaration: 2 },
  road: { trucksPerDay: 4 },
  channels: { GREEN: 0.5, YELLOW: 0.5, RED: 0 },
});
const plan = planDay(scenario);
const declarationsOfTheDay = plan.railDeclarations.length + plan.trucks.length;
const yellowRail = plan.railDeclarations.filter((declaration) => declaration.channel === 'YELLOW').length;

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

describe('the operations dashboard on a running twin, in a real browser', { timeout: 300_000 }, () => {
  let stack: LocalStack;
  let api: ReturnType<typeof apiClient>;
  let officer: string;
  let browser: Browser;
  let twin: Promise<TwinRunRecord | Error>;
  const stopTwin = new AbortController();
  /** The yellow rail declarations through the gauge change, each waiting for an officer's document check. */
  let waiting: OfficerTaskItem[];
  const pageErrors: string[] = [];

  before(async () => {
    assert.ok(yellowRail >= 2, `the plan has ${yellowRail} yellow rail declarations; the tests need two`);
    [stack, browser] = await Promise.all([
      startTwinStack(scenario),
      chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS, headless: true }),
    ]);
    api = apiClient(stack);
    const tokens = await localTokens(scenario.brokers);
    officer = tokens.officer;
    // Kept as a value, so an early failure of the twin is reported by the test that awaits it.
    twin = runTwin({
      scenario,
      target: { apiUrl: stack.apiUrl, tokens },
      officers: 'people',
      signal: stopTwin.signal,
    }).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
    const railTasks = async () => {
      const queue = await api.get('/v1/officer/tasks?queue=officers&limit=100', officer);
      const tasks = (queue.body.items as OfficerTaskItem[]).filter((task) => task.declarationType === 'RAIL_IMPORT');
      const board = await api.get('/v1/port/declarations?limit=100', officer);
      const through = new Set(
        (board.body.items as PortDeclarationItem[])
          .filter((item) => item.tracks?.transshipment === 'COMPLETED')
          .map((item) => item.id),
      );
      return tasks.filter((task) => through.has(task.declarationId));
    };
    waiting = await eventually(railTasks, (tasks) => tasks.length === yellowRail, 120_000);
  });
  after(async () => {
    stopTwin.abort();
    await twin;
    await browser?.close();
    await stack?.stop();
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
    await page.goto(`${stack.apiUrl}/dashboard#token=${encodeURIComponent(token)}${refresh}`);
    return page;
  }

  const row = (id: string) => `#declarations tr[data-id="${id}"]`;

  it('lists the twin’s declarations for an officer, who approves a yellow one from the page and sees it released', async () => {
    const board = await eventually(
      async () => (await api.get('/v1/port/declarations?limit=100', officer)).body.items as PortDeclarationItem[],
      (items) => items.length === declarationsOfTheDay,
    );
    const page = await open(officer, { refreshSeconds: 1 });
    for (const item of board) await page.waitForSelector(row(item.id));
    for (const train of new Set(board.flatMap((item) => (item.train === undefined ? [] : [item.train.trainNumber])))) {
      await page.waitForSelector(`#trains tr[data-train^="${train}@"]`);
    }
    const [{ declarationId: yellow } = { declarationId: '' }] = waiting;
    assert.equal(await page.getAttribute(row(yellow), 'data-status'), 'ARRIVED');
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
    await page.waitForSelector(row(waiting[1]?.declarationId ?? ''));
    assert.equal(await page.isHidden('#queue'), true);
    assert.equal(await page.locator('button[data-decision]').count(), 0);
    assert.equal(await page.textContent('#role'), 'port-operator');
    assert.deepEqual(pageErrors, []);
    await page.close();
  });

  it('shows the problem+json detail of a decision the API refuses (another officer decided first)', async () => {
    const yellow = waiting[1]?.declarationId ?? '';
    const page = await open(officer, { refreshSeconds: 0 });
    const task = `#queue tr[data-id="${yellow}"]`;
    await page.waitForSelector(task);
    const decisions = `/v1/declarations/${yellow}/decisions`;
    const first = await api.post(decisions, { token: officer, json: { decision: 'APPROVE', reason: 'checked' } });
    assert.equal(first.status, 200, JSON.stringify(first.body));

    await page.click(`${task} button[data-decision="REJECT"]`);
    await page.fill(`${task} input[name="reason"]`, 'the invoice is forged');
    await page.click(`${task} form button[type="submit"]`);

    // What the API answers that same decision now, word for word on the page.
    const refused = await api.post(decisions, {
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

  it('lets the twin end its day once the officers have decided the rest', async () => {
    const queue = async () =>
      (await api.get('/v1/officer/tasks?queue=officers&limit=100', officer)).body.items as OfficerTaskItem[];
    // The yellow trucks reach the queue as they gate in: every task is decided as it comes, until the twin ends.
    const ended = (async () => {
      for (;;) {
        const outcome = await Promise.race([
          twin,
          new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 500)),
        ]);
        if (outcome !== undefined) return outcome;
        for (const task of await queue()) {
          const decided = await api.post(`/v1/declarations/${task.declarationId}/decisions`, {
            token: officer,
            json: { decision: 'APPROVE', reason: 'documents in order' },
          });
          assert.ok([200, 409].includes(decided.status), JSON.stringify(decided.body));
        }
      }
    })();
    const record = await ended;
    if (record instanceof Error) throw record;
    assert.equal(record.declarations.length, declarationsOfTheDay);
    for (const declaration of record.declarations) {
      assert.equal(declaration.status, declaration.flow === 'RAIL' ? 'RELEASED' : 'CLOSED', declaration.key);
    }
  });
});
