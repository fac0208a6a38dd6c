// The console's shell: a hash router over the page modules, the navigation (what the role
// may open), the organization switch, and the one place errors are shown (#error).
import { api, ApiError, onAuthChange, session, setOrganization, signIn, signOut } from './api.js';
import { el } from './dom.js';

const ROUTES = [
  { pattern: /^#\/signin$/, title: 'Sign in', page: () => ({ render: renderSignIn }), anonymous: true },
  { pattern: /^#\/collectors$/, title: 'Collectors', page: () => import('./collectors.js') },
  { pattern: /^#\/collectors\/(?<id>\d+)$/, title: 'Collector', page: () => import('./collector.js') },
  { pattern: /^#\/collectors\/(?<id>\d+)\/sessions$/, title: 'Sessions', page: () => import('./pages/sessions.js') },
  { pattern: /^#\/upload$/, title: 'Upload', page: () => import('./pages/upload.js') },
  { pattern: /^#\/admin$/, title: 'Admin', page: () => import('./pages/admin.js'), admins: true },
];
const HOME = '#/collectors';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const errorBox = document.getElementById('error');
let leaving = new AbortController();
let afterSignIn = HOME;

export function showError(err) {
  if (!err) {
    errorBox.hidden = true;
    errorBox.textContent = '';
    return;
  }
  const lines = [err.message || String(err)];
  if (err instanceof ApiError && err.fields) {
    for (const [field, reasons] of Object.entries(err.fields)) {
      if (!err.message.includes(field)) lines.push(`${field}: ${reasons.join(' ')}`);
    }
  }
  errorBox.textContent = lines.join('\n');
  errorBox.hidden = false;
}

function navigate(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

function role() {
  const { organization } = session();
  return organization ? organization.role : null;
}

function renderNav() {
  const { user, organizations, organization } = session();
  nav.replaceChildren();
  if (!user) return;
  const links = [['#/collectors', 'Collectors']];
  if (role() === 'admin' || role() === 'analyst') links.push(['#/upload', 'Upload']);
  if (role() === 'admin') links.push(['#/admin', 'Admin']);
  const select = el('select', { id: 'org-switch', 'aria-label': 'Organization', disabled: organizations.length < 2,
                                onchange: (event) => setOrganization(event.target.value) },
    ...organizations.map((org) => el('option', { value: org.slug, selected: organization && org.slug === organization.slug,
                                                 text: `${org.name} (${org.role})` })));
  nav.append(
    ...links.map(([href, text]) => el('a', { href, text })),
    select,
    el('span', { class: 'user', text: user.username }),
    el('button', { id: 'signout', type: 'button', text: 'Sign out', onclick: () => signOut() }),
  );
}

function parseHash() {
  const [path, search = ''] = (location.hash || HOME).split('?');
  return { path, query: Object.fromEntries(new URLSearchParams(search)) };
}

async function route() {
  leaving.abort();
  leaving = new AbortController();
  const signal = leaving.signal;
  showError(null);
  const { path, query } = parseHash();
  const match = ROUTES.map((r) => ({ r, m: path.match(r.pattern) })).find(({ m }) => m);
  if (!match) return navigate(HOME);
  if (!match.r.anonymous && !session().user) {
    afterSignIn = location.hash;
    return navigate('#/signin');
  }
  document.title = `${match.r.title} · XAT console`;
  const root = el('div', { class: 'page' });
  main.replaceChildren(root);
  if (match.r.admins && role() !== 'admin') {
    showError(new Error('Admins only.'));
    return;
  }
  const ctx = { api, params: match.m.groups || {}, query, navigate, showError, session, signal, role: role() };
  try {
    const page = await match.r.page();
    if (!signal.aborted) await page.render(root, ctx);
  } catch (err) {
    if (!signal.aborted) showError(err);
  }
}

async function renderSignIn(root) {
  const username = el('input', { id: 'signin-username', name: 'username', autocomplete: 'username', required: true });
  const password = el('input', { id: 'signin-password', name: 'password', type: 'password',
                                 autocomplete: 'current-password', required: true });
  const form = el('form', { class: 'signin', onsubmit: async (event) => {
    event.preventDefault();
    showError(null);
    try {
      await signIn(username.value, password.value);
      navigate(afterSignIn.startsWith('#/signin') ? HOME : afterSignIn);
    } catch (err) {
      showError(err.status === 401 ? new Error('Wrong username or password.') : err);
    }
  } },
  el('h1', { text: 'Sign in' }),
  el('label', { for: 'signin-username', text: 'Username' }), username,
  el('label', { for: 'signin-password', text: 'Password' }), password,
  el('button', { id: 'signin-submit', type: 'submit', text: 'Sign in' }));
  root.append(form);
  username.focus();
}

onAuthChange(({ user }) => {
  renderNav();
  const { path } = parseHash();
  if (!user) navigate('#/signin');
  else if (path.startsWith('#/collectors/')) navigate(HOME); // another organization: not its collector
  else if (!path.startsWith('#/signin')) route(); // another organization: the same page of it
});
window.addEventListener('hashchange', route);
renderNav();
route();
