import { createHash } from 'node:crypto';

/**
 * The operations dashboard: one page, its style and its script inline, allowed by their hashes in a strict
 * Content-Security-Policy (nothing else loads; it calls only this API, with the bearer token the user gives it).
 * The token comes from a field or the URL fragment (#token=…), which browsers never send to the server. What the
 * page shows and offers follows from what the API answers that token: the queue and its decisions for an officer
 * only. Data is written with textContent, never parsed as HTML.
 *
 * Fragment options: token=<id token>; refresh=<seconds> (3 by default; 0 refreshes only on demand).
 */
const STYLE = `
:root { font: 14px/1.4 system-ui, sans-serif; color: #1d232a; background: #f5f6f8; }
body { margin: 0; }
header { display: flex; gap: 1rem; align-items: center; padding: .6rem 1rem; background: #17324d; color: #fff; flex-wrap: wrap; }
header h1 { font-size: 1.1rem; margin: 0 1rem 0 0; }
header input { width: 22rem; }
main { padding: 1rem; display: grid; gap: 1rem; }
section { background: #fff; border-radius: 6px; padding: .8rem 1rem; box-shadow: 0 1px 2px #0002; overflow-x: auto; }
section h2 { font-size: 1rem; margin: 0 0 .5rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid #e3e6ea; white-space: nowrap; }
th { font-weight: 600; color: #4a5561; }
.stages { display: flex; gap: .5rem; flex-wrap: wrap; margin-bottom: .5rem; }
.stage { background: #e8eef5; border-radius: 4px; padding: .2rem .5rem; }
.stage b { margin-left: .3rem; }
.GREEN { color: #177a3a; } .YELLOW { color: #9a6b00; } .RED { color: #b3261e; }
.state-OK { color: #177a3a; } .state-APPROACHING { color: #9a6b00; font-weight: 600; } .state-BREACHED { color: #b3261e; font-weight: 600; }
.muted { color: #6b7682; }
#problem { background: #fdecea; color: #7a1c16; border-radius: 6px; padding: .6rem 1rem; white-space: pre-wrap; }
#problem:empty, [hidden] { display: none; }
form.decision { display: flex; gap: .4rem; align-items: center; flex-wrap: wrap; }
form.decision input[name=reason] { width: 16rem; }
button { cursor: pointer; }
`;

const SCRIPT = `
'use strict';
const $ = (selector) => document.querySelector(selector);
const fragment = new URLSearchParams(location.hash.slice(1));
const state = {
  token: fragment.get('token') || sessionStorage.getItem('dashboard-token') || '',
  refreshSeconds: Number(fragment.get('refresh') ?? 3),
  timer: undefined,
  roles: [],
};
if (fragment.has('token')) history.replaceState(null, '', location.pathname + location.search);

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined) continue;
    if (name === 'class') node.className = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function rolesOf(token) {
  try {
    const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    return Array.isArray(payload['cognito:groups']) ? payload['cognito:groups'] : [];
  } catch {
    return [];
  }
}

class Problem extends Error {
  constructor(status, body) {
    super(body && body.detail ? body.detail : 'HTTP ' + status);
    this.status = status;
    this.body = body;
  }
}

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: {
      authorization: 'Bearer ' + state.token,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed;
  try { parsed = text === '' ? undefined : JSON.parse(text); } catch { parsed = undefined; }
  if (!response.ok) throw new Problem(response.status, parsed);
  return parsed;
}

function showProblem(what, error) {
  const body = error instanceof Problem ? error.body || {} : {};
  const lines = [what + ': ' + (body.title ? body.title + ' (' + error.status + ')' : error.message)];
  if (body.detail) lines.push(body.detail);
  for (const item of body.errors || []) lines.push(item.field + ': ' + item.rule + (item.detail ? ' (' + item.detail + ')' : ''));
  $('#problem').textContent = lines.join('\\n');
}

const time = (iso) => (iso ? new Date(iso).toLocaleString(undefined, { month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit' }) : '');
const hours = (ms) => (ms / 3600000).toFixed(1) + ' h';
const transportOf = (item) => (item.train ? item.train.trainNumber + ' ' + item.train.trainDate : item.plate || '');
const WORST = { OK: 0, APPROACHING: 1, BREACHED: 2 };

function renderBoard(items) {
  const counts = new Map();
  for (const item of items) counts.set(item.status, (counts.get(item.status) || 0) + 1);
  $('#stages').replaceChildren(...[...counts].map(([status, count]) => el('span', { class: 'stage', 'data-stage': status }, status, el('b', {}, count))));
  $('#declarations tbody').replaceChildren(...items.map((item) => el('tr', { 'data-id': item.id, 'data-status': item.status },
    el('td', {}, item.declarationNumber),
    el('td', {}, item.declarationType),
    el('td', {}, transportOf(item)),
    el('td', { class: item.riskChannel || 'muted' }, item.riskChannel || '…'),
    el('td', { class: 'status' }, item.status, item.tracks ? el('span', { class: 'muted' }, ' · ' + item.tracks.transshipment + ' / ' + item.tracks.inspection) : undefined),
    el('td', {}, time(item.arrivedAt)),
    el('td', {}, time(item.releasedAt)),
    el('td', { class: item.clock ? 'state-' + item.clock.state : '' }, item.clock ? item.clock.state + ' · due ' + time(item.clock.dueAt) : ''),
  )));
  renderTrains(items.filter((item) => item.mode === 'RAIL' && item.train));
  renderTrucks(items.filter((item) => item.mode === 'ROAD' && item.arrivedAt));
}

function renderTrains(items) {
  const trains = new Map();
  for (const item of items) {
    const key = item.train.trainNumber + '@' + item.train.trainDate;
    const train = trains.get(key) || { key, label: transportOf(item), total: 0, released: 0, arrivedAt: undefined, dueAt: undefined, state: undefined };
    train.total += 1;
    if (item.releasedAt) train.released += 1;
    if (item.arrivedAt && (!train.arrivedAt || item.arrivedAt < train.arrivedAt)) train.arrivedAt = item.arrivedAt;
    if (item.clock) {
      if (!train.dueAt || item.clock.dueAt < train.dueAt) train.dueAt = item.clock.dueAt;
      if (!train.state || WORST[item.clock.state] > WORST[train.state]) train.state = item.clock.state;
    }
    trains.set(key, train);
  }
  $('#trains tbody').replaceChildren(...[...trains.values()].map((train) => el('tr', { 'data-train': train.key },
    el('td', {}, train.label),
    el('td', {}, time(train.arrivedAt) || 'not arrived'),
    el('td', {}, time(train.dueAt)),
    el('td', {}, train.released + ' / ' + train.total),
    el('td', { class: train.state ? 'state-' + train.state : 'muted' }, train.state || '…'),
  )));
}

function renderTrucks(items) {
  const now = Date.now();
  $('#trucks tbody').replaceChildren(...items.map((item) => el('tr', { 'data-plate': item.plate || '' },
    el('td', {}, item.plate || ''),
    el('td', {}, item.status),
    el('td', {}, time(item.arrivedAt)),
    el('td', {}, hours((item.releasedAt ? Date.parse(item.releasedAt) : now) - Date.parse(item.arrivedAt))),
    el('td', {}, item.clock ? time(item.clock.dueAt) : ''),
    el('td', { class: item.clock ? 'state-' + item.clock.state : '' }, item.clock ? item.clock.state : ''),
  )));
}

const DOCUMENT_TYPES = ['INVOICE', 'PACKING_LIST', 'CERTIFICATE_OF_ORIGIN', 'PHYTOSANITARY_CERTIFICATE', 'VETERINARY_CERTIFICATE', 'LICENCE'];
const DECISIONS = [['APPROVE', 'Approve'], ['REQUEST_DOCUMENTS', 'Request documents'], ['HOLD', 'Hold'], ['REJECT', 'Reject']];

function decisionForm(task, decision, label) {
  const reason = el('input', { name: 'reason', placeholder: 'Reason (kept in the history)', 'aria-label': 'Reason' });
  const documents = decision === 'REQUEST_DOCUMENTS'
    ? el('select', { name: 'documents', multiple: '', size: '3', 'aria-label': 'Documents' }, DOCUMENT_TYPES.map((type) => el('option', { value: type }, type)))
    : undefined;
  const form = el('form', { class: 'decision', 'data-decision': decision, onsubmit: async (event) => {
    event.preventDefault();
    const body = { decision, reason: reason.value };
    if (documents) body.requestedDocuments = [...documents.selectedOptions].map((option) => option.value);
    try {
      await api('POST', task.links.decisions, body);
      $('#problem').textContent = '';
      form.remove();
      await refresh();
    } catch (error) {
      showProblem(label + ' ' + task.declarationId, error);
    }
  } }, reason, documents, el('button', { type: 'submit' }, label), el('button', { type: 'button', onclick: () => form.remove() }, 'Cancel'));
  return form;
}

function renderQueue(tasks) {
  $('#queue tbody').replaceChildren(...tasks.map((task) => {
    const actions = el('td', { class: 'actions' });
    for (const [decision, label] of DECISIONS) {
      actions.append(el('button', { type: 'button', 'data-decision': decision, onclick: () => {
        for (const open of actions.querySelectorAll('form')) open.remove();
        actions.append(decisionForm(task, decision, label));
        actions.querySelector('input[name=reason]').focus();
      } }, label), ' ');
    }
    return el('tr', { 'data-id': task.declarationId, 'data-kind': task.kind },
      el('td', {}, task.declarationId),
      el('td', {}, task.declarationType),
      el('td', {}, task.kind + (task.onHold ? ' (held)' : '')),
      el('td', { class: task.riskChannel || 'muted' }, task.riskChannel || ''),
      el('td', {}, time(task.dueAt)),
      el('td', { class: 'state-' + task.slaState }, task.slaState),
      actions,
    );
  }));
}

let refreshing = false;
async function refresh() {
  if (refreshing || state.token === '') return;
  refreshing = true;
  try {
    const filters = new URLSearchParams({ limit: '100' });
    if ($('#mode').value) filters.set('mode', $('#mode').value);
    if ($('#status').value) filters.set('status', $('#status').value);
    const page = await api('GET', 'v1/port/declarations?' + filters);
    renderBoard(page.items);
    // Only open the queue for a token that may still edit it (the queue is kept open while typing a reason).
    if (state.roles.includes('officer') && !$('#queue form')) {
      const queue = await api('GET', 'v1/officer/tasks?limit=100');
      renderQueue(queue.items);
    }
    $('#updated').textContent = 'updated ' + new Date().toLocaleTimeString();
  } catch (error) {
    showProblem('Reading the board', error);
  } finally {
    refreshing = false;
  }
}

function useToken(token) {
  state.token = token.trim();
  sessionStorage.setItem('dashboard-token', state.token);
  state.roles = rolesOf(state.token);
  $('#role').textContent = state.roles.join(', ') || 'no role';
  $('#queue').hidden = !state.roles.includes('officer');
  $('#problem').textContent = '';
  clearInterval(state.timer);
  if (state.refreshSeconds > 0) state.timer = setInterval(refresh, state.refreshSeconds * 1000);
  return refresh();
}

$('#token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void useToken($('#token').value);
});
$('#refresh').addEventListener('click', () => void refresh());
$('#mode').addEventListener('change', () => void refresh());
$('#status').addEventListener('change', () => void refresh());
if (state.token !== '') void useToken(state.token);
`;

const STATUS_OPTIONS = [
  'RECEIVED',
  'MANIFEST_MISMATCH',
  'RISK_ASSESSED',
  'AWAITING_ARRIVAL',
  'ARRIVED',
  'SLOT_BOOKED',
  'GATED_IN',
  'MANUAL_REVIEW',
  'HELD',
  'RELEASED',
  'EXITED',
  'CLOSED',
  'REJECTED',
  'CANCELLED',
];

const options = (values: readonly string[]) => values.map((value) => `<option>${value}</option>`).join('');
const head = (...names: string[]) => `<thead><tr>${names.map((name) => `<th>${name}</th>`).join('')}</tr></thead>`;

export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Horgos operations</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
<header>
  <h1>Horgos operations</h1>
  <form id="token-form">
    <input id="token" type="password" autocomplete="off" placeholder="Bearer token (or #token=… in the URL)" aria-label="Bearer token">
    <button type="submit">Use</button>
  </form>
  <span>role: <b id="role">none yet</b></span>
  <label>mode <select id="mode"><option value="">all</option>${options(['RAIL', 'ROAD'])}</select></label>
  <label>status <select id="status"><option value="">all</option>${options(STATUS_OPTIONS)}</select></label>
  <button id="refresh" type="button">Refresh</button>
  <span id="updated" class="muted"></span>
</header>
<main>
  <div id="problem" role="alert"></div>
  <section id="queue" hidden>
    <h2>Work queue (officers)</h2>
    <table>${head('Declaration', 'Type', 'Task', 'Channel', 'Due', 'SLA', 'Decision')}<tbody></tbody></table>
  </section>
  <section>
    <h2>Declarations, latest change first</h2>
    <div id="stages" class="stages"></div>
    <table id="declarations">${head('Number', 'Type', 'Train / truck', 'Channel', 'Status', 'Arrived / gated in', 'Released', 'Clock')}<tbody></tbody></table>
  </section>
  <section>
    <h2>Trains: release within 16 h of arrival</h2>
    <table id="trains">${head('Train', 'Arrival', 'Deadline', 'Released / total', 'SLA')}<tbody></tbody></table>
  </section>
  <section>
    <h2>Trucks: gate-in to release</h2>
    <table id="trucks">${head('Plate', 'Status', 'Gate-in', 'Elapsed', 'Target', 'State')}<tbody></tbody></table>
  </section>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** Only the page's own style and script run; it may call this API (same origin) and nothing else. */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  `script-src ${sha256(SCRIPT)}`,
  `style-src ${sha256(STYLE)}`,
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
