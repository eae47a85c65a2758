// The operator's page: reads /v1 with its session cookie every few seconds and acts through it with the session's
// CSRF token. Plain DOM, no library; text goes in as text (never as HTML), so nothing a sandbox reports can run here.
'use strict';

const POLL_MS = 3000;
const session = { csrfToken: null, csrfHeader: 'X-CSRF-Token' };
const rows = new Map(); // vmid -> { key, tr }

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== null && v !== undefined) e.setAttribute(k, v);
  }
  for (const c of children) {
    if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  }
  return e;
}

function say(text) {
  document.getElementById('status').textContent = text;
}

class ApiFailure extends Error {
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}

async function api(method, path, body) {
  const headers = { 'Accept': 'application/json' };
  if (method !== 'GET' && method !== 'HEAD') headers[session.csrfHeader] = session.csrfToken;
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  if (response.status === 401) {
    location.assign('/ui/sign-in');
    throw new ApiFailure(401, 'unauthorized', 'The session ended; sign in again.');
  }
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const error = json && json.error ? json.error : { code: String(response.status), message: response.statusText };
    throw new ApiFailure(response.status, error.code, error.message);
  }
  return json;
}

// ---- charts: inline SVG polylines over the hour's 60 minutes ----

const SVG = 'http://www.w3.org/2000/svg';

function sum(values) {
  return values.reduce((a, v) => a + (v || 0), 0);
}

function chart(kind, title, series, unit) {
  const height = 40;
  const max = Math.max(1, ...series.flatMap(s => s.values.map(v => v || 0)));
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 59 ${height}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('class', kind === 'spark' ? 'spark' : 'chart');
  svg.setAttribute('role', 'img');
  svg.dataset.series = series[0].name;
  svg.dataset.sum = String(sum(series[0].values));
  const last = series.map(s => (series.length > 1 ? `${s.name} ` : '') + fmt(s.values[s.values.length - 1]) + unit)
    .join(', ');
  svg.setAttribute('aria-label', `${title}, last hour; this minute: ${last}`);
  for (const s of series) {
    const line = document.createElementNS(SVG, 'polyline');
    line.setAttribute('class', 'line-' + s.cls);
    line.setAttribute('points', s.values.map((v, i) => `${i},${(height - 1 - (v || 0) / max * (height - 2)).toFixed(2)}`)
      .join(' '));
    svg.append(line);
  }
  if (kind === 'spark') return svg;
  return el('figure', {}, svg, el('figcaption', {}, `${title}, this minute: ${last}`));
}

function fmt(v) {
  if (v === null || v === undefined) return '–';
  return Number.isInteger(v) ? String(v) : v.toFixed(v < 10 ? 2 : 0);
}

function perSecond(requests) {
  return requests.map(n => n / 60);
}

function trafficCharts(t) {
  const charts = [chart('chart', 'Requests per second', [{ name: 'requests', cls: 'requests',
    values: perSecond(t.requests) }], '/s')];
  charts[0].querySelector('svg').dataset.sum = String(sum(t.requests)); // whole requests, for a reader that counts
  charts.push(chart('chart', 'Latency', [{ name: 'p50', cls: 'p50', values: t.p50Ms },
    { name: 'p99', cls: 'p99', values: t.p99Ms }], ' ms'));
  for (const [code, values] of Object.entries(t.errors)) {
    charts.push(chart('chart', `Errors ${code}`, [{ name: code, cls: 'errors', values }], '/min'));
  }
  if (Object.keys(t.errors).length === 0) charts.push(el('p', { class: 'note' }, 'No gateway errors this hour.'));
  return charts;
}

// ---- sandboxes ----

function when(iso) {
  return iso ? new Date(iso).toLocaleString() : '–';
}

function describe(value) {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object') return String(value);
  if (value.action) {
    return value.action + (value.reason ? ` (${value.reason})` : '') + (value.at ? ` at ${when(value.at)}` : '');
  }
  return JSON.stringify(value);
}

function detail(label, value) {
  const text = describe(value);
  return text === null ? null : el('span', { class: 'detail' }, `${label}: ${text}`);
}

function cell(label, ...children) {
  return el('td', { 'data-label': label }, ...children);
}

function stateOf(s) {
  return s.state || s.status || 'unknown';
}

function actionsFor(s) {
  const vmid = s.vmid;
  const state = stateOf(s);
  const buttons = [];
  const button = (text, action, cls) => {
    const b = el('button', { type: 'button', class: cls, 'data-action': action,
      'aria-label': `${text} sandbox ${vmid}` }, text);
    b.addEventListener('click', () => act(vmid, action));
    buttons.push(b);
  };
  if (state !== 'running') button(state === 'stopped' ? 'Start' : 'Wake', state === 'stopped' ? 'start' : 'resume');
  if (state === 'running') {
    if (s.kind === 'vm') { // a VM's two sleep levels: RAM kept (resumes in ms), RAM on disk (frees it)
      button('Pause', 'pause');
      button('Hibernate', 'hibernate');
    } else {
      button('Suspend', 'suspend');
    }
    button('Stop', 'stop', 'danger');
  }
  button('Snapshot', 'snapshot');
  button('Destroy', 'destroy', 'danger');
  return buttons;
}

function sandboxRow(s, traffic) {
  const urls = el('span', { class: 'urls' });
  for (const [name, url] of Object.entries(s.urls || {})) {
    urls.append(el('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, name));
  }
  if (!urls.childNodes.length) urls.append('–');
  const state = stateOf(s);
  const trafficCell = traffic
    ? [chart('spark', `Requests of sandbox ${s.vmid}`, [{ name: 'requests', cls: 'requests',
      values: traffic.requests }], '/min'),
      el('span', { class: 'detail' }, `${sum(traffic.requests)} requests, p99 ${fmt(last(traffic.p99Ms))} ms`),
      ...Object.entries(traffic.errors).map(([code, v]) => el('span', { class: 'detail' }, `${code}: ${sum(v)}`))]
    : ['–'];
  const tr = el('tr', { 'data-vmid': s.vmid, 'data-state': state },
    cell('Sandbox', el('strong', {}, `vm-${s.vmid}`), detail('name', s.hostname), detail('instance', s.instanceId),
      detail('kind', s.kind), detail('node', s.node), detail('preset', s.preset)),
    cell('State', el('span', { class: `state state-${state}` }, state), detail('lock', s.lock),
      detail('next', s.nextAction)),
    cell('URLs', urls),
    cell('Activity', el('span', {}, when(s.lastActivity)), detail('open WebSockets', s.openWebSockets)),
    cell('Owner and lifetime', el('span', {}, s.owner || '–'), detail('TTL', s.ttl), detail('expires', s.expires &&
      when(s.expires)), detail('auto-stop', s.autoStop && `${s.autoStop.action} after ${s.autoStop.after}`),
      detail('auto-delete', s.autoDelete), s.protected ? el('span', { class: 'detail' }, 'protected') : null),
    cell('Traffic', ...trafficCell),
    cell('Actions', ...actionsFor(s)));
  tr.querySelector('svg.spark')?.setAttribute('id', `spark-${s.vmid}`);
  return tr;
}

function last(values) {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] !== null) return values[i];
  return null;
}

function showSandboxes(list, traffic) {
  const tbody = document.querySelector('#sandboxes tbody');
  const seen = new Set();
  let previous = null;
  for (const s of list) {
    const t = traffic && traffic.sandboxes ? traffic.sandboxes[String(s.vmid)] : null;
    const key = JSON.stringify([s, t]);
    seen.add(s.vmid);
    let row = rows.get(s.vmid);
    if (!row || row.key !== key) {
      const tr = sandboxRow(s, t);
      if (row) row.tr.replaceWith(tr); else tbody.append(tr);
      row = { key, tr };
      rows.set(s.vmid, row);
    }
    // keep the API's order; rows that did not change keep their focus
    if (previous ? previous.nextSibling !== row.tr : tbody.firstChild !== row.tr) {
      if (previous) previous.after(row.tr); else tbody.prepend(row.tr);
    }
    previous = row.tr;
  }
  for (const [vmid, row] of rows) {
    if (!seen.has(vmid)) {
      row.tr.remove();
      rows.delete(vmid);
    }
  }
  document.getElementById('no-sandboxes').hidden = list.length > 0;
}

// ---- events ----

function showEvents(events) {
  const list = document.getElementById('events');
  list.replaceChildren(...events.map(e => el('li', { 'data-kind': e.kind, 'data-vmid': e.vmid,
    class: e.ok ? null : 'event-failed' },
    `${when(e.time)} · ${e.kind}${e.vmid ? ' vm-' + e.vmid : ''} · ${e.ok ? 'done' : 'failed'}`
    + (e.durationMs !== null ? ` in ${e.durationMs} ms` : '') + (e.message ? ` · ${e.message}` : ''))));
  if (!events.length) list.append(el('li', {}, 'Nothing yet.'));
}

// ---- actions ----

let answer = null; // the pending confirmation's resolve

function confirmed(text) {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-text').textContent = text;
  return new Promise(resolve => {
    answer = resolve;
    dialog.showModal();
    document.getElementById('confirm-cancel').focus();
  });
}

// Answered by its buttons and by Escape, at once: a dialog's close event comes later, from a queued task, and could
// reach the next confirmation's listener.
function answerDialog() {
  const dialog = document.getElementById('confirm');
  const finish = ok => {
    const resolve = answer;
    answer = null;
    if (dialog.open) dialog.close();
    if (resolve) resolve(ok);
  };
  document.getElementById('confirm-ok').addEventListener('click', () => finish(true));
  document.getElementById('confirm-cancel').addEventListener('click', () => finish(false));
  dialog.addEventListener('cancel', () => finish(false));
}

let snapshotAnswer = null; // the pending snapshot dialog's resolve

// The name of a disk snapshot to take, or null when cancelled. PVE checks the name again (its words come back).
function snapshotName(vmid) {
  const dialog = document.getElementById('snapshot');
  document.getElementById('snapshot-vmid').textContent = vmid;
  document.getElementById('snapshot-form').reset();
  return new Promise(resolve => {
    snapshotAnswer = resolve;
    dialog.showModal();
    document.getElementById('snapshot-name').focus();
  });
}

function answerSnapshotDialog() {
  const dialog = document.getElementById('snapshot');
  const finish = name => {
    const resolve = snapshotAnswer;
    snapshotAnswer = null;
    if (dialog.open) dialog.close();
    if (resolve) resolve(name);
  };
  document.getElementById('snapshot-form').addEventListener('submit', event => {
    event.preventDefault();
    finish(event.target.elements.name.value);
  });
  document.getElementById('snapshot-cancel').addEventListener('click', () => finish(null));
  dialog.addEventListener('cancel', () => finish(null));
}

async function act(vmid, action) {
  if (action === 'destroy' && !await confirmed(`Destroy sandbox ${vmid}? Its disk is deleted.`)) return;
  if (action === 'stop' && !await confirmed(`Stop sandbox ${vmid}? Its programs are killed.`)) return;
  const name = action === 'snapshot' ? await snapshotName(vmid) : null;
  if (action === 'snapshot' && !name) return;
  say(`${action} vm-${vmid}…`);
  try {
    if (action === 'destroy') {
      await api('DELETE', `/v1/sandboxes/${vmid}`);
    } else if (action === 'snapshot') {
      await api('POST', `/v1/sandboxes/${vmid}/snapshots`, { name });
    } else {
      await api('POST', `/v1/sandboxes/${vmid}/${action}`);
    }
    say(`${action} vm-${vmid}: accepted.`);
  } catch (e) {
    say(`${action} vm-${vmid} failed: ${e.message}`);
  }
  refresh();
}

async function create(event) {
  event.preventDefault();
  const form = event.target;
  const body = {};
  for (const name of ['owner', 'ttl']) {
    const value = form.elements[name].value.trim();
    if (value) body[name] = value;
  }
  if (!document.getElementById('preset-row').hidden && form.elements.preset.value) {
    body.preset = form.elements.preset.value;
  }
  say('Creating a sandbox…');
  try {
    const op = await api('POST', '/v1/sandboxes', body);
    say(`Creating a sandbox: operation ${op.id || ''} ${op.state || ''}.`);
  } catch (e) {
    say(`Create failed: ${e.message}`);
  }
  refresh();
}

async function loadPresets() {
  try {
    const json = await api('GET', '/v1/presets');
    const presets = Array.isArray(json) ? json : (json && json.presets) || [];
    if (!presets.length) return;
    const select = document.getElementById('create-preset');
    select.replaceChildren(...presets.map(p => {
      const id = typeof p === 'string' ? p : p.id;
      return el('option', { value: id }, p.label ? `${id} (${p.label})` : id);
    }));
    document.getElementById('preset-row').hidden = false;
    document.getElementById('preset-note').hidden = true;
  } catch (e) {
    // no presets endpoint: the default template it is
  }
}

// Tunnel status and doctor answer alike: {ok, checks: [{subject, ok, detail, fix}]}, one line per check.
async function report(id, path) {
  const out = document.getElementById(id);
  out.replaceChildren(el('li', {}, 'Asking…'));
  try {
    const answer = await api('GET', path);
    out.replaceChildren(...(answer.checks || []).map(c => el('li', { class: c.ok ? 'ok' : 'problem',
      'data-subject': c.subject }, `${c.ok ? '✓' : '✗'} ${c.subject}: ${c.detail}`
      + (!c.ok && c.fix ? ` — ${c.fix}` : ''))));
    out.dataset.ok = String(answer.ok);
  } catch (e) {
    out.replaceChildren(el('li', { class: 'problem' }, `${e.code}: ${e.message}`));
  }
}

// ---- polling ----

let timer = null;

async function refresh() {
  clearTimeout(timer);
  const problems = [];
  const [sandboxes, traffic, events] = await Promise.all(['/v1/sandboxes', '/v1/traffic', '/v1/events']
    .map(path => api('GET', path).catch(e => { problems.push(`${path}: ${e.message}`); return null; })));
  if (traffic) document.getElementById('overall').replaceChildren(...trafficCharts(traffic.overall));
  if (sandboxes) showSandboxes(sandboxes.sandboxes, traffic);
  if (events) showEvents(events.events);
  document.body.dataset.refreshed = String(Number(document.body.dataset.refreshed || 0) + 1);
  if (problems.length) say(problems.join(' '));
  timer = setTimeout(refresh, POLL_MS);
}

async function start() {
  Object.assign(session, await api('GET', '/ui/session'));
  if (session.accessIdentity) {
    document.getElementById('identity').textContent = `Cloudflare Access says you are ${session.accessIdentity}`;
  }
  document.getElementById('sign-out').addEventListener('click', async () => {
    await api('POST', '/ui/sign-out');
    location.assign('/ui/sign-in');
  });
  document.getElementById('create').addEventListener('submit', create);
  answerDialog();
  answerSnapshotDialog();
  document.getElementById('check-tunnel').addEventListener('click', () => report('tunnel', '/v1/tunnel/status'));
  document.getElementById('run-doctor').addEventListener('click', () => report('doctor', '/v1/doctor'));
  loadPresets();
  refresh();
}

start().catch(e => say(`The page could not start: ${e.message}`));
