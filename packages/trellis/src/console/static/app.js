// The Trellis console (first cut): catalog, audit and data-protection views over the public REST API.
// Every value from the server is written with textContent, never as HTML.
const tokenKey = 'trellis.token';
const $ = (id) => document.getElementById(id);
let nextCursor = null;
/** The caller, from GET /api/v1/whoami: name, role and the role's permissions; null until signed in. */
let me = null;

// What each view, and each part of the data-protection view, needs: any one of the listed
// permissions. Which permissions the caller holds comes from the server (whoami), so the
// permission matrix itself lives only on the server (docs/permissions.md).
const views = { catalog: ['apps:read'], audit: ['audit:read'], dlp: ['dlp:scan', 'dlp:read', 'dlp:detokenize'] };
const parts = { 'dlp-scan': ['dlp:scan'], 'dlp-detectors': ['dlp:read'], 'detector-form': ['dlp:manage'], 'dlp-reveal': ['dlp:detokenize'] };
const may = (permission) => me?.permissions?.includes(permission) ?? false;
const mayAny = (permissions) => permissions.some(may);

function token() { return sessionStorage.getItem(tokenKey); }
/** Signed in through single sign-on: the session cookie authenticates, and unsafe calls carry its CSRF token. */
let csrf = null;
const signedIn = () => Boolean(token() || csrf);

async function api(path, params, init) {
  const url = new URL(path, location.origin);
  for (const [k, v] of Object.entries(params ?? {})) if (v) url.searchParams.set(k, v);
  const method = init?.method ?? 'GET';
  const headers = token() ? { authorization: `Bearer ${token()}` } : {};
  if (!token() && csrf && method !== 'GET') headers['x-csrf-token'] = csrf;
  if (init?.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, { method, headers, credentials: 'same-origin', ...(init?.body !== undefined ? { body: JSON.stringify(init.body) } : {}) });
  const body = res.status === 204 ? {} : await res.json().catch(() => ({}));
  if (res.status === 401) { sessionStorage.removeItem(tokenKey); csrf = null; me = null; show('sign-in'); throw new Error(body.detail ?? 'sign in again'); }
  if (!res.ok) {
    const fields = (body.errors ?? []).map((e) => `${e.path}: ${e.message}`).join('; ');
    throw new Error(`${body.detail ?? res.statusText} [${body.code ?? res.status}]${fields ? ` — ${fields}` : ''}`);
  }
  return body;
}

const post = (path, body) => api(path, null, { method: 'POST', body: body ?? {} });

/** Who made a change ({ id, name } from the API): the name, or the id for changes stored before names were kept. */
function who(by) { return by?.name ?? by?.id ?? ''; }

function cell(text, cls) {
  const td = document.createElement('td');
  if (cls) { const s = document.createElement('span'); s.className = cls; s.textContent = text; td.append(s); } else td.textContent = text ?? '';
  return td;
}

/** A one-cell row spanning the whole table, for "nothing here" and error notes. */
function note(tbody, text) {
  const td = cell(text);
  td.colSpan = tbody.parentElement.querySelectorAll('thead th').length;
  const tr = document.createElement('tr'); tr.append(td); tbody.append(tr);
}

function show(view) {
  for (const id of ['sign-in', 'catalog', 'audit', 'dlp']) $(id).hidden = id !== view;
  // No tabs before sign-in; after it, only those the caller's role may use.
  for (const b of document.querySelectorAll('button.tab')) {
    b.hidden = view === 'sign-in' || !mayAny(views[b.dataset.view]);
    b.classList.toggle('active', b.dataset.view === view);
  }
  for (const [id, needs] of Object.entries(parts)) $(id).hidden = !mayAny(needs);
  $('sign-out').hidden = view === 'sign-in';
  if (view === 'sign-in') $('who').textContent = '';
  $('error').textContent = '';
}

async function loadApps(append) {
  const params = { q: $('q').value.trim(), status: $('status').value, classification: $('classification').value, limit: '50', cursor: append ? nextCursor : '' };
  const list = await api('/api/v1/apps', params);
  const tbody = $('apps').querySelector('tbody');
  if (!append) tbody.replaceChildren();
  for (const app of list.items) {
    const tr = document.createElement('tr');
    tr.className = 'clickable';
    tr.append(cell(app.name), cell(app.status, `status status-${app.status}`), cell(app.owner), cell(app.team), cell(app.classification), cell(String(app.version)), cell((app.connectors ?? []).join(', ')));
    tr.addEventListener('click', () => loadDetail(app.name).catch(fail));
    tbody.append(tr);
  }
  nextCursor = list.next_cursor;
  $('more').hidden = !nextCursor;
}

async function loadDetail(name) {
  const app = await api(`/api/v1/apps/${encodeURIComponent(name)}`);
  const versions = await api(`/api/v1/apps/${encodeURIComponent(name)}/versions`);
  $('detail').hidden = false;
  $('detail-title').textContent = app.title ? `${app.title} (${app.name})` : app.name;
  const facts = $('detail-facts');
  facts.replaceChildren();
  const c = app.classification;
  const tier = c.effective ? `${c.effective} (declared ${c.declared ?? 'none'}, detected ${c.detected ?? 'none'})` : 'none declared or detected';
  const risk = app.risk ? `${app.risk.tier} — ${app.risk.score}/100${app.risk.override ? ` (set by ${who(app.risk.override.by)}: ${app.risk.override.reason}; computed ${app.risk.computed_tier})` : ''}` : 'not scored';
  const decision = app.decision ? `${app.decision.outcome.replace('_', ' ')} (policy bundle ${app.decision.bundle.version ?? 'none'})` : 'not decided';
  const inForce = app.approved_version === null ? 'no version approved yet' : `version ${app.approved_version}`;
  for (const [k, v] of [['Status', app.status], ['In force', inForce], ['Owner', app.owner], ['Team', app.team], ['Classification', tier], ['Risk', risk], ['Decision', decision], ['Created', `${app.created_at} by ${who(app.created_by)}`], ['Updated', `${app.updated_at} by ${who(app.updated_by)}`]]) {
    const dt = document.createElement('dt'); dt.textContent = k;
    const dd = document.createElement('dd'); dd.textContent = v ?? '';
    facts.append(dt, dd);
  }
  // Why: the fields that drove the tier, the policy's messages, the risk factors that count.
  const lists = [
    ['Classified by', c.because.map((b) => `${b.field}: ${b.tags.join(', ')} → ${b.tier}${b.source === 'sample' ? ' (found in a sample)' : ''}`)],
    ['Denied because', app.decision?.deny ?? []],
    ['Warnings', app.decision?.warn ?? []],
    ['Review because', app.decision?.outcome === 'pending_review' ? app.decision.reasons : []],
    ['Risk factors', (app.risk?.factors ?? []).filter((f) => f.points > 0).map((f) => `${f.name}: ${f.points} points — ${f.reason}`)],
  ];
  for (const [k, items] of lists) {
    if (items.length === 0) continue;
    const dt = document.createElement('dt'); dt.textContent = k;
    const dd = document.createElement('dd');
    const list = document.createElement('ul');
    for (const text of items) { const li = document.createElement('li'); li.textContent = text; list.append(li); }
    dd.append(list);
    facts.append(dt, dd);
  }
  const ul = $('versions');
  ul.replaceChildren();
  for (const v of versions.items ?? versions) {
    const li = document.createElement('li');
    li.textContent = `v${v.version} — ${v.created_at} by ${who(v.created_by)}`;
    ul.append(li);
  }
  $('manifest').textContent = JSON.stringify(app.manifest ?? {}, null, 2);
}

async function loadAudit() {
  const status = $('chain-status');
  status.textContent = 'checking…';
  status.className = '';
  const [verify, events] = await Promise.all([may('audit:verify') ? api('/api/v1/audit/verify') : null, api('/api/v1/audit/events', { order: 'desc', limit: '50' })]);
  if (!verify) status.textContent = 'not checked (your role may not verify the chain)';
  else status.textContent = verify.ok ? `intact — ${verify.count} events verified` : `BROKEN at event ${verify.broken?.seq}: ${verify.broken?.message}`;
  status.className = !verify ? '' : verify.ok ? 'ok' : 'broken';
  const tbody = $('events').querySelector('tbody');
  tbody.replaceChildren();
  for (const e of events.items) {
    const tr = document.createElement('tr');
    const ev = e.event;
    tr.append(cell(String(e.seq)), cell(ev.time_dt), cell(ev.api?.operation), cell(ev.actor?.user?.name ?? ev.actor?.user?.uid), cell((ev.resources ?? []).map((r) => `${r.type}/${r.name ?? r.uid}`).join(', ')), cell(ev.status, ev.status === 'Success' ? 'ok' : 'broken'));
    tbody.append(tr);
  }
}

async function runScan() {
  const text = $('scan-text').value;
  // The previous preview must not stand beside the new findings while the new one loads.
  $('redacted').textContent = '';
  const scan = await post('/api/v1/dlp/scan', { text });
  const tbody = $('findings').querySelector('tbody');
  tbody.replaceChildren();
  for (const f of scan.findings) {
    const tr = document.createElement('tr');
    tr.append(cell(f.entity), cell(f.detector), cell(f.confidence.toFixed(2)), cell(`${f.start}–${f.end}`));
    tbody.append(tr);
  }
  if (scan.findings.length === 0) note(tbody, 'nothing found');
  // The preview needs dlp:transform, which not every role that may scan has.
  if (!may('dlp:transform')) { $('redacted').textContent = '(no redacted preview: your role may not transform data)'; return; }
  $('redacted').textContent = await post('/api/v1/dlp/transform', { text, plan: { default: { type: 'replace' } } }).then((r) => r.value, (err) => `(no redacted preview: ${err.message})`);
}

function detectorBody() {
  const lines = (id) => $(id).value.split('\n').map((l) => l.trim()).filter(Boolean);
  const detector = { id: $('det-id').value.trim(), entity: $('det-entity').value.trim() };
  const terms = $('det-terms').value.split(',').map((t) => t.trim()).filter(Boolean);
  if (terms.length > 0) detector.terms = terms; else detector.pattern = $('det-pattern').value;
  return { detector, positive: lines('det-positive'), negative: lines('det-negative') };
}

function reportText(r) {
  const out = [`${r.positives.length} positive, ${r.negatives.length} negative samples — ${r.ok ? 'all pass' : 'some fail'}`];
  for (const i of r.missed) out.push(`positive sample ${i + 1} is not matched`);
  for (const i of r.falseMatches) out.push(`negative sample ${i + 1} is matched`);
  return out.join('\n');
}

async function loadDetectors() {
  const tbody = $('detectors').querySelector('tbody');
  tbody.replaceChildren();
  let list;
  try { list = await api('/api/v1/dlp/detectors'); } catch (err) {
    note(tbody, err.message);
    return;
  }
  for (const d of list.items) {
    const tr = document.createElement('tr');
    tr.dataset.id = d.id;
    const actions = document.createElement('td');
    const button = (label, fn) => { const b = document.createElement('button'); b.textContent = label; b.addEventListener('click', () => fn().then(loadDetectors).catch(fail)); actions.append(b, ' '); };
    const path = `/api/v1/dlp/detectors/${encodeURIComponent(d.id)}`;
    if (may('dlp:manage')) { // read-only roles get no actions
      if (d.status !== 'active') button('Activate', () => post(`${path}/activate`, { version: d.version }));
      if (d.status === 'active') button('Deactivate', () => post(`${path}/deactivate`, { version: d.version }));
      button('Delete', () => api(path, { version: String(d.version) }, { method: 'DELETE' }));
    }
    tr.append(cell(d.id), cell(d.status, `status status-${d.status}`), cell(String(d.version)), cell(d.definition.entity), cell(`${d.sample_counts.positive} + / ${d.sample_counts.negative} −`), cell(d.last_test.ok ? 'pass' : 'fail', d.last_test.ok ? 'ok' : 'broken'), actions);
    tbody.append(tr);
  }
  if (list.items.length === 0) note(tbody, 'no custom detectors yet');
}

function fail(err) { $('error').textContent = err.message; }

async function open(view) {
  if (!signedIn() || !me) return show('sign-in');
  if (!mayAny(views[view])) return;
  show(view);
  try {
    if (view === 'catalog') await loadApps(false);
    else if (view === 'dlp') { if (may('dlp:read')) await loadDetectors(); }
    else await loadAudit();
  } catch (err) { fail(err); }
}

/** Who the token belongs to and what it may do; then the first view the caller may use. */
async function signIn() {
  me = await api('/api/v1/whoami');
  $('who').textContent = `${me.name} (${me.role})`;
  const first = Object.keys(views).find((v) => mayAny(views[v]));
  if (!first) throw new Error(`the ${me.role} role may use none of the console's views`);
  await open(first);
}

document.addEventListener('DOMContentLoaded', () => {
  $('token-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    sessionStorage.setItem(tokenKey, $('token').value.trim());
    $('token').value = '';
    try {
      await signIn();
    } catch (err) { $('sign-in-error').textContent = err.message; }
  });
  $('sign-out').addEventListener('click', async () => {
    // A single sign-on session ends on the server (every replica), then at the identity provider.
    const ending = !token() && csrf ? post('/auth/logout').catch(() => ({})) : Promise.resolve({});
    const r = await ending;
    sessionStorage.removeItem(tokenKey); csrf = null; me = null;
    if (r.end_session_url) location.assign(r.end_session_url); else show('sign-in');
  });
  for (const b of document.querySelectorAll('button.tab')) b.addEventListener('click', () => open(b.dataset.view));
  $('filters').addEventListener('submit', (ev) => { ev.preventDefault(); loadApps(false).catch(fail); });
  $('more').addEventListener('click', () => loadApps(true).catch(fail));
  $('scan-form').addEventListener('submit', (ev) => { ev.preventDefault(); runScan().catch(fail); });
  $('det-test').addEventListener('click', () => {
    post('/api/v1/dlp/detectors/test', detectorBody()).then((r) => { $('det-report').hidden = false; $('det-report').textContent = reportText(r); }).catch(fail);
  });
  $('reveal-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const item = { value: $('rev-value').value.trim(), entity: $('rev-entity').value.trim(), operator: $('rev-operator').value };
    post('/api/v1/dlp/reveal', { items: [item], reason: $('rev-reason').value.trim() }).then((r) => {
      $('revealed').hidden = false;
      $('revealed').textContent = r.items[0].value;
    }).catch(fail);
  });
  $('detector-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    post('/api/v1/dlp/detectors', detectorBody()).then((d) => {
      $('det-report').hidden = false;
      $('det-report').textContent = `saved ${d.id} as a draft (version ${d.version})\n${reportText(d.last_test)}`;
      $('detector-form').reset();
      return loadDetectors();
    }).catch(fail);
  });
  if (token()) signIn().catch(fail);
  else resumeSession().catch(() => show('sign-in'));
});

/** Back from the identity provider (or reloaded): a session cookie, if any, signs in without a token. */
async function resumeSession() {
  const res = await fetch('/api/v1/session', { credentials: 'same-origin' });
  if (res.ok) {
    csrf = (await res.json()).csrf_token;
    return signIn();
  }
  show('sign-in');
  const providers = await fetch('/auth/providers').then((r) => r.json()).catch(() => ({}));
  $('sso').hidden = providers.oidc !== true;
}
