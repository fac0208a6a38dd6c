// Drives the console in headless Chromium (/usr/bin/chromium, through the pinned
// playwright-core) as a person would: signs in, searches the collectors, opens one over a
// range, follows it live, exports it, opens a month, a session, uploads a capture, uses the
// admin pages, lives through an outage, moves by keyboard, switches organization, then
// signs in as a viewer.
// Called by tests/console/test_console_browser.py with one JSON argument (the plan: server
// URL, users, collector ids, files); prints one JSON object of what it saw, each step
// {…} or {"error": "…"}, so the test reports every step, not the first failure only.
import { readFile, stat } from 'node:fs/promises';
import { chromium } from 'playwright-core';

const plan = JSON.parse(process.argv[2]);
const consoleUrl = `${plan.url}/console/`;
const results = { errors: [] };

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic'],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
const page = await context.newPage();
// Room for a machine shared with other work: a step waits up to 45 s for what it expects.
page.setDefaultTimeout(45_000);
// Every error the page logs (a Content-Security-Policy violation among them) or throws.
page.on('console', (message) => { if (message.type() === 'error') results.errors.push(message.text()); });
page.on('pageerror', (error) => results.errors.push(`pageerror: ${error.message}`));

async function step(name, work) {
  try {
    results[name] = await work();
  } catch (error) {
    results[name] = { error: String(error?.stack ?? error) };
    await shoot(`failed-${name}`).catch(() => {});
  }
}

// The token lives in the page's memory: moving on changes the hash, never reloads.
async function go(hash) {
  await page.evaluate((target) => { window.location.hash = target; }, hash);
}

async function shoot(name) {
  const path = `${plan.screenshots}/${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}

async function signIn(user) {
  await page.waitForSelector('#signin-username');
  await page.fill('#signin-username', user.username);
  await page.fill('#signin-password', user.password);
  await page.click('#signin-submit');
  await page.waitForSelector('a.collector-link');
}

// A wait set up before the action it waits for: should the action fail first, the wait's
// own timeout must not end the process as an unhandled rejection.
function awaitedLater(promise) {
  promise.catch(() => {});
  return promise;
}

function isChartAnswer(response, collectorId, chart) {
  const url = new URL(response.url());
  return response.request().method() === 'GET'
    && url.pathname === `/api/dashboard/collectors/${collectorId}/${chart}/`
    && !['1', 'true'].includes(url.searchParams.get('per_core'));
}

// What `action` makes the page ask for the chart, what the API answered, and what the chart
// then holds (data-points, data-draw-ms) and shows as the resolution.
async function chartAfter(action, collectorId, chart = 'cpu') {
  const answered = awaitedLater(page.waitForResponse((response) => isChartAnswer(response, collectorId, chart)));
  // A chart still showing the previous answer must not pass for the new one.
  await page.evaluate((selector) => document.querySelector(selector)?.removeAttribute('data-points'),
    `#chart-${chart}`);
  await action();
  const response = await answered;
  const body = await response.json();
  const answeredPoints = body.timestamps?.length ?? null;
  await page.waitForFunction(([selector, expected]) => document.querySelector(selector)?.dataset.points === expected,
    [`#chart-${chart}`, String(answeredPoints)], { timeout: 30_000 }).catch(() => {});
  await page.waitForFunction((word) => document.querySelector('#resolution')?.textContent.includes(word),
    body.resolution, { timeout: 30_000 }).catch(() => {});
  const node = page.locator(`#chart-${chart}`);
  const url = new URL(response.url());
  return {
    path: url.pathname + url.search, status: response.status(), resolution: body.resolution,
    start: body.start, end: body.end, series: Object.keys(body.series ?? {}).length,
    answered: answeredPoints, points: Number(await node.getAttribute('data-points')),
    drawMs: Number(await node.getAttribute('data-draw-ms')),
    shownResolution: (await page.textContent('#resolution'))?.trim(),
  };
}

// How much wider than the window the page is (a phone scrolling sideways): 0 when it fits.
async function overflow() {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

async function points(chart = 'cpu') {
  return Number(await page.getAttribute(`#chart-${chart}`, 'data-points'));
}

await step('signin', async () => {
  await page.goto(consoleUrl);
  await page.waitForSelector('#signin-username');
  const shot = await shoot('signin');
  await signIn(plan.admin);
  return { screenshot: shot };
});

await step('collectors', async () => {
  const listed = await page.$$eval('a.collector-link', (links) => links.map((a) => a.dataset.id));
  await page.fill('#collector-search', plan.monthName);
  await page.waitForFunction((n) => document.querySelectorAll('a.collector-link').length === n, 1).catch(() => {});
  const searched = await page.$$eval('a.collector-link', (links) => links.map((a) => a.dataset.id));
  await page.fill('#collector-search', '');
  await page.waitForFunction((n) => document.querySelectorAll('a.collector-link').length === n, listed.length)
    .catch(() => {});
  return { listed, searched, screenshot: await shoot('collectors') };
});

await step('hour', async () => {
  await chartAfter(() => page.click(`a.collector-link[data-id="${plan.host}"]`), plan.host);
  const hour = await chartAfter(() => page.click('button[data-range="1h"]'), plan.host);
  return { ...hour, screenshot: await shoot('collector') };
});

await step('live', async () => {
  await page.click('#live-toggle');
  await page.waitForTimeout(1_000);
  const last = async () => Number(await page.getAttribute('#chart-cpu', 'data-last'));
  const [before, lastBefore] = [await points(), await last()];
  const tick = await readFile(plan.liveTick.file);
  const started = Date.now();
  const sent = await fetch(`${plan.url}/v1/trickle`,
    { method: 'POST', headers: { apikey: plan.liveTick.key }, body: tick });
  // The newest x grows (data-points too while the shown hour is not full).
  await page.waitForFunction((n) => Number(document.querySelector('#chart-cpu').dataset.last) > n, lastBefore,
    { timeout: 30_000 }).catch(() => {}); // the test judges the time taken
  const lastAfter = await last();
  const elapsedMs = lastAfter > lastBefore ? Date.now() - started : null;
  const after = await points();
  await page.click('#live-toggle');
  return { trickleStatus: sent.status, before, after, lastBefore, lastAfter, elapsedMs,
    connection: (await page.textContent('#connection-status'))?.trim() };
});

// Each export link saves its file: its name as the server gave it, and its content.
await step('export', async () => {
  const saved = {};
  for (const format of ['csv', 'json', 'sar']) {
    const download = awaitedLater(page.waitForEvent('download'));
    await page.click(`a.export-link[data-format="${format}"]`);
    const file = await (await download).path();
    const content = await readFile(file);
    saved[format] = { fileName: (await download).suggestedFilename(), bytes: (await stat(file)).size,
      text: format === 'sar' ? content.subarray(0, 2).toString('latin1') : content.toString('utf8') };
  }
  const lines = saved.csv.text.split('\r\n').filter(Boolean);
  return { csv: { fileName: saved.csv.fileName, header: lines[0], rows: lines.length - 1 },
    json: { fileName: saved.json.fileName, rows: JSON.parse(saved.json.text).length },
    sar: { fileName: saved.sar.fileName, bytes: saved.sar.bytes, magic: saved.sar.text } };
});

await step('phone', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  const shot = await shoot('collector-phone');
  const horizontalOverflowPx = await overflow();
  await page.setViewportSize({ width: 1280, height: 800 });
  return { screenshot: shot, horizontalOverflowPx };
});

await step('month', async () => {
  await go(`#/collectors/${plan.month}`);
  await page.waitForSelector('button[data-range="30d"]');
  const month = await chartAfter(() => page.click('button[data-range="30d"]'), plan.month);
  const charts = {};
  for (const chart of ['cpu', 'memory', 'disk', 'network']) {
    const drawMs = Number(await page.getAttribute(`#chart-${chart}`, 'data-draw-ms'));
    charts[chart] = { points: await points(chart), drawMs };
  }
  return { ...month, charts, screenshot: await shoot('collector-30d') };
});

await step('sessions', async () => {
  await go(`#/collectors/${plan.host}/sessions`);
  await page.waitForSelector('#sessions a.session-open');
  const rows = await page.$$eval('#sessions tbody tr', (trs) => trs.length);
  const shot = await shoot('sessions');
  const opened = await chartAfter(() => page.click('#sessions a.session-open'), plan.host);
  return { rows, opened, screenshot: shot };
});

await step('upload', async () => {
  await go(`#/upload?collector=${plan.uploadInto}`);
  await page.waitForSelector('#upload-file');
  // A file of no known format first: refused at once, in the API's words.
  await page.setInputFiles('#upload-file',
    { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from(plan.notCapture) });
  await page.click('#upload-submit');
  await page.waitForFunction(() => !document.querySelector('#error')?.hidden
    && document.querySelector('#error').textContent.trim() !== '');
  const refusal = (await page.textContent('#error')).trim();
  await page.setInputFiles('#upload-file', plan.uploadFile);
  await page.click('#upload-submit');
  const seen = [];
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const value = await page.$eval('#upload-progress', (bar) => bar.value);
    if (seen.at(-1) !== value) seen.push(value);
    if (await page.$('#upload-result dl')) break;
    await page.waitForTimeout(100);
  }
  const progress = await page.$eval('#upload-progress', (bar) => bar.value);
  if (seen.at(-1) !== progress) seen.push(progress); // drawn with the result, after the last look
  const sent = await page.$eval('#upload-sent', (bar) => bar.value);
  const state = (await page.textContent('#upload-state'))?.trim();
  const errorShown = await page.$eval('#error', (box) => !box.hidden);
  // The list of recent uploads is read again once the job is done: this one joins the month's.
  await page.waitForFunction(() => document.querySelectorAll('#upload-recent tbody tr').length >= 2).catch(() => {});
  const recent = await page.$$eval('#upload-recent tbody tr', (trs) => trs.map((tr) => tr.cells[0].textContent));
  const shot = await shoot('upload');
  const charted = await chartAfter(() => page.click('#upload-charts'), plan.uploadInto);
  return { refusal, errorShown, sent, seen, progress, state, recent, charted, screenshot: shot };
});

await step('admin', async () => {
  await go('#/admin');
  await page.waitForSelector('#admin-members');
  const members = await page.$$eval('#admin-members tbody tr', (trs) => trs.length);
  // The only admin made a viewer: refused in the API's words, the page read again shows the
  // role kept (which draws the page anew: before a new key is shown).
  const menu = `select[data-member="${plan.admin.username}"]`;
  await page.selectOption(menu, 'viewer');
  await page.click(`button[data-member="${plan.admin.username}"]`);
  await page.waitForFunction(() => !document.querySelector('#error')?.hidden
    && document.querySelector('#error').textContent.trim() !== '');
  await page.waitForFunction((selector) => document.querySelector(selector)?.value === 'admin', menu).catch(() => {});
  const lastAdmin = { refusal: (await page.textContent('#error')).trim(),
    role: await page.$eval(menu, (m) => m.value) };
  const keyRows = () => page.$$eval('#admin-keys tbody tr', (trs) => trs.length);
  const keysBefore = await keyRows();
  await page.fill('#key-name', 'browser key');
  await page.click('#key-create');
  await page.waitForSelector('#new-key');
  await page.waitForFunction((n) => document.querySelectorAll('#admin-keys tbody tr').length > n, keysBefore)
    .catch(() => {});
  const keysAfter = await keyRows();
  const errorAfterKey = await page.$eval('#error', (box) => !box.hidden);
  const shot = await shoot('admin');
  await page.setViewportSize({ width: 390, height: 844 });
  const phone = { screenshot: await shoot('admin-phone'), horizontalOverflowPx: await overflow() };
  await page.setViewportSize({ width: 1280, height: 800 });
  // A refusal is shown as the API words it: inviting a member's own address (by keyboard).
  await page.focus('#invite-email');
  await page.keyboard.type(plan.memberEmail);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => !document.querySelector('#error').hidden
    && document.querySelector('#error').textContent.trim() !== '');
  return { members, keysBefore, keysAfter, errorAfterKey, lastAdmin, newKey: (await page.textContent('#new-key')).trim(),
    installLine: (await page.textContent('#pcc-install-line')).trim(),
    refusal: (await page.textContent('#error')).trim(),
    screenshot: shot, phone };
});

// The database away (503 with Retry-After), then no connection at all: the list says so,
// retries, and shows once the API answers again.
await step('outage', async () => {
  let calls = 0;
  const isList = (url) => url.pathname === '/api/collectors/';
  await page.route(isList, (route) => {
    calls += 1;
    if (calls === 1) {
      return route.fulfill({ status: 503, headers: { 'Retry-After': '1' }, contentType: 'application/json',
        body: JSON.stringify({ detail: 'The database is unavailable; retry later.' }) });
    }
    return calls === 2 ? route.abort('internetdisconnected') : route.continue();
  });
  await go('#/collectors');
  const statuses = [];
  for (const deadline = Date.now() + 45_000; Date.now() < deadline && !(await page.$('a.collector-link'));) {
    const text = (await page.textContent('#connection-status'))?.trim();
    if (text && statuses.at(-1) !== text) statuses.push(text);
    await page.waitForTimeout(100);
  }
  await page.unroute(isList);
  return { calls, statuses, listed: (await page.$$('a.collector-link')).length,
    after: (await page.textContent('#connection-status'))?.trim() };
});

// Keyboard only: Tab to a collector's link, Enter opens its charts.
await step('keyboard', async () => {
  await page.evaluate(() => document.activeElement?.blur());
  let tabs = 0;
  while (tabs < 40 && !(await page.evaluate(() => document.activeElement?.matches('a.collector-link')))) {
    await page.keyboard.press('Tab');
    tabs += 1;
  }
  const focused = await page.evaluate(() => document.activeElement.dataset.id);
  const opened = await chartAfter(() => page.keyboard.press('Enter'), focused);
  return { tabs, focused, hash: await page.evaluate(() => window.location.hash), opened };
});

// acme's admin also reads globex: the switch shows globex's collectors, then acme's again.
await step('switch', async () => {
  const listed = async (slug) => {
    await page.selectOption('#org-switch', slug);
    await page.waitForFunction((s) => document.querySelector('#org-switch').value === s
      && document.querySelectorAll('a.collector-link').length > 0, slug);
    await page.waitForTimeout(500); // the list of the organization chosen, not the one before
    return page.$$eval('a.collector-link', (links) => links.map((a) => a.dataset.id));
  };
  await go('#/collectors');
  await page.waitForSelector('a.collector-link');
  const organizations = await page.$$eval('#org-switch option', (options) => options.map((o) => o.value));
  const globex = await listed('globex');
  const shot = await shoot('collectors-globex');
  return { organizations, globex, acme: await listed('acme'), screenshot: shot };
});

await step('viewer', async () => {
  await page.click('#signout');
  await signIn(plan.viewer);
  const adminLinks = await page.$$eval('a[href^="#/admin"]', (links) => links.length);
  await go('#/admin');
  await page.waitForFunction(() => document.querySelector('#error')?.textContent.includes('Admins only'));
  const adminTables = await page.$$eval('#admin-members, #admin-keys', (nodes) => nodes.length);
  await chartAfter(() => go(`#/collectors/${plan.host}`), plan.host);
  const exportLinks = await page.$$eval('a.export-link', (links) => links.length);
  const exportsShown = (await page.textContent('.exports'))?.trim();
  await go(`#/collectors/${plan.foreign}/sessions`);
  await page.waitForFunction(() => !document.querySelector('#error')?.hidden
    && document.querySelector('#error').textContent.trim() !== '');
  const foreignSessions = (await page.textContent('#error')).trim();
  await go(`#/collectors/${plan.foreign}`);
  await page.waitForSelector('#not-found', { state: 'visible' });
  return { adminLinks, adminTables, exportLinks, exportsShown, foreignSessions,
    notFound: (await page.textContent('#not-found')).trim(), screenshot: await shoot('not-found') };
});

await browser.close();
process.stdout.write(`${JSON.stringify(results)}\n`);
