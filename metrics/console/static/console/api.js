// XAT's JSON API from the browser (docs/api.md): the JWT pair kept in memory only (a reload
// signs out), the access token refreshed before it expires or after a 401, one refresh at a
// time (the API treats a refresh token sent twice as a replay and ends the login), and a lost
// connection or a 502/503/504 retried for reads while #connection-status says so.

const RETRYABLE = new Set([502, 503, 504]);
const REFRESH_MARGIN_SECONDS = 60;
const DEFAULT_RETRY_SECONDS = 5;

export class ApiError extends Error {
  // status 0: no answer at all (the connection). fields: {field: [reasons]} of a 400.
  constructor(status, message, fields = {}) {
    super(message);
    this.status = status;
    this.fields = fields;
  }
}

const state = { access: null, refresh: null, user: null, organizations: [], organization: null };
const listeners = new Set();
let refreshing = null;

export function session() {
  return { user: state.user, organizations: state.organizations, organization: state.organization };
}

export function onAuthChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function changed() {
  for (const fn of listeners) fn(session());
}

function connection(text) {
  const status = document.getElementById('connection-status');
  if (status) status.textContent = text;
}

export function setOrganization(slug) {
  state.organization = state.organizations.find((org) => org.slug === slug) || null;
  changed();
}

function signedIn(answer) {
  state.access = answer.access;
  state.refresh = answer.refresh;
  state.user = answer.user;
  state.organizations = answer.organizations;
  const kept = state.organization && answer.organizations.find((org) => org.slug === state.organization.slug);
  state.organization = kept || answer.organizations[0] || null;
  changed();
}

function signedOut() {
  Object.assign(state, { access: null, refresh: null, user: null, organizations: [], organization: null });
  changed();
}

export async function signIn(username, password) {
  signedIn(await request('/api/auth/login/', { method: 'POST', body: { username, password }, anonymous: true }));
}

export async function signOut() {
  const refresh = state.refresh;
  signedOut();
  if (refresh) {
    try {
      await request('/api/auth/logout/', { method: 'POST', body: { refresh }, anonymous: true });
    } catch {
      // The session is gone from this page either way; a dead token needs no logout.
    }
  }
}

function expiresIn(token) {
  try {
    const claims = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    return claims.exp - Date.now() / 1000;
  } catch {
    return 0;
  }
}

async function refreshTokens() {
  if (!refreshing) {
    refreshing = (async () => {
      try {
        const pair = await request('/api/auth/refresh/', {
          method: 'POST', body: { refresh: state.refresh }, anonymous: true,
        });
        state.access = pair.access;
        state.refresh = pair.refresh;
      } catch (err) {
        if (err.status === 401) signedOut();
        throw err;
      } finally {
        refreshing = null;
      }
    })();
  }
  return refreshing;
}

export async function authHeaders() {
  if (!state.access) throw new ApiError(401, 'Sign in first.');
  if (expiresIn(state.access) < REFRESH_MARGIN_SECONDS) await refreshTokens();
  const headers = { Authorization: `Bearer ${state.access}` };
  if (state.organization) headers['X-Organization'] = state.organization.slug;
  return headers;
}

// The ApiError of an answer's status and parsed JSON body, worded as the API words it.
export function apiErrorOf(status, body) {
  if (body && typeof body === 'object') {
    if (typeof body.detail === 'string') return new ApiError(status, body.detail);
    if (typeof body.error === 'string') return new ApiError(status, body.error, body.fields || {});
    const fields = {};
    for (const [field, reasons] of Object.entries(body)) {
      fields[field] = Array.isArray(reasons) ? reasons.map(String) : [String(reasons)];
    }
    const message = Object.entries(fields).map(([field, reasons]) => `${field}: ${reasons.join(' ')}`).join('; ');
    return new ApiError(status, message || `HTTP ${status}`, fields);
  }
  return new ApiError(status, `HTTP ${status}`);
}

function retryDelay(response) {
  const seconds = Number(response && response.headers.get('Retry-After'));
  return (seconds > 0 ? seconds : DEFAULT_RETRY_SECONDS) * 1000;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitToRetry(what, response) {
  const delay = retryDelay(response);
  connection(`${what}: retrying in ${Math.round(delay / 1000)} s…`);
  await sleep(delay);
}

async function send(url, init) {
  try {
    return await fetch(url, init);
  } catch {
    return null; // no answer: the connection
  }
}

async function request(path, { method = 'GET', body, form, raw = false, query, anonymous = false } = {}) {
  const url = query ? `${path}?${new URLSearchParams(query)}` : path;
  const reads = method === 'GET';
  for (let retried = false; ; ) {
    let headers;
    try {
      headers = anonymous ? {} : await authHeaders();
    } catch (err) {
      // A refresh that got no answer (or a 503) is, for a read, one more reason to wait.
      if (!(reads && (err.status === 0 || RETRYABLE.has(err.status)))) throw err;
      await waitToRetry(err.status ? `The server answered ${err.status}` : 'Connection lost', null);
      continue;
    }
    const init = { method, headers, cache: 'no-store' };
    if (form) init.body = form;
    else if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const response = await send(url, init);
    if (response === null || RETRYABLE.has(response.status)) {
      const what = response === null ? 'Connection lost' : `The server answered ${response.status}`;
      if (!reads) throw new ApiError(response ? response.status : 0, `${what}: try again.`);
      await waitToRetry(what, response);
      continue;
    }
    connection('');
    if (response.status === 401 && !anonymous && !retried && state.refresh) {
      retried = true;
      await refreshTokens();
      continue;
    }
    if (raw && response.ok) return response;
    const text = await response.text();
    let parsed = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    if (!response.ok) throw apiErrorOf(response.status, parsed);
    return parsed;
  }
}

export async function api(path, options = {}) {
  return request(path, options);
}
