// The browser side of the suite: Debian's Chromium driven by playwright-core, one fresh
// context (no cache, no cookies) per page looked at, and what a page costs and shows.

import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

/** The server under test, e.g. http://127.0.0.1:41234 (scripts/e2e starts it). */
export const BASE = (process.env.KOTA_URL ?? '').replace(/\/$/, '');
if (!BASE) throw new Error('KOTA_URL is not set: run the suite through scripts/e2e');

/** Where reports and screenshots go. */
export const OUT = path.resolve(process.env.KOTA_E2E_OUT ?? 'target/proof/e2e');
export const SCREENSHOTS = path.join(OUT, 'screenshots');
mkdirSync(SCREENSHOTS, { recursive: true });

/** The largest page, counted as bytes on the wire (headers and bodies, as sent). */
export const MAX_PAGE_BYTES = 100 * 1024;

/** The accessibility rules checked: WCAG 2.1 levels A and AA. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
};

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    // Nothing of Chromium's own (updates, safe browsing, fonts) may reach out either.
    args: [
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-pings',
    ],
  });
}

function isLoopback(url) {
  const u = new URL(url);
  if (u.protocol === 'data:' || u.protocol === 'about:' || u.protocol === 'blob:') return true;
  return ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname) || u.hostname.startsWith('127.');
}

/**
 * A fresh context (no cache, no cookies) where every request that would leave loopback is
 * refused and recorded in `offLoopback`.
 */
export async function newContext(browser, viewport = 'desktop') {
  const context = await browser.newContext({ viewport: VIEWPORTS[viewport], locale: 'en-GB' });
  context.offLoopback = [];
  await context.route(
    (url) => !isLoopback(url.href),
    (route) => {
      context.offLoopback.push(route.request().url());
      return route.abort('blockedbyclient');
    },
  );
  return context;
}

/** Signs in through the /login form; the page is then on the workspace, /me. */
export async function signIn(page, email, password) {
  await page.goto(`${BASE}/login`);
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', password);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button[type="submit"]')]);
}

/**
 * Loads one page in a fresh context and looks at it: status, console errors, requests that
 * failed or would leave loopback, bytes on the wire with the cache off, WCAG 2.1 A/AA
 * violations found by axe-core, and a full-page screenshot per viewport.
 */
export async function inspect(browser, { name, path: pagePath, status = 200, signInAs }) {
  const context = await newContext(browser);
  const page = await context.newPage();
  if (signInAs) {
    await signIn(page, signInAs.email, signInAs.password);
    // What the sign-in pages still load (their icon) is not the inspected page's.
    await page.waitForLoadState('networkidle');
  }

  const consoleErrors = [];
  const failed = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    // The browser logs a page answered with its expected error status; that is no fault.
    if (status >= 400 && /Failed to load resource.*status of \d+/.test(m.text())) return;
    consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(`uncaught: ${e.message}`));
  page.on('requestfailed', (r) => failed.push(`${r.url()}: ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    const main = r.request().isNavigationRequest() && r.frame() === page.mainFrame();
    if (!main && r.status() >= 400) failed.push(`${r.url()}: HTTP ${r.status()}`);
  });

  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  let bytes = 0;
  const requests = [];
  cdp.on('Network.requestWillBeSent', (e) => requests.push(e.request.url));
  cdp.on('Network.loadingFinished', (e) => {
    bytes += e.encodedDataLength;
  });

  const response = await page.goto(`${BASE}${pagePath}`, { waitUntil: 'load' });
  await page.waitForLoadState('networkidle');

  await page.evaluate(AXE_SOURCE);
  const axe = await page.evaluate(
    (tags) =>
      // eslint-disable-next-line no-undef
      axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    WCAG_TAGS,
  );
  const violations = axe.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
  }));

  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  await page.setViewportSize(VIEWPORTS.phone);
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.phone.png`), fullPage: true });

  const result = {
    name,
    path: pagePath,
    status: response?.status(),
    expectedStatus: status,
    bytes,
    requests,
    consoleErrors,
    failed,
    offLoopback: [...context.offLoopback],
    violations,
  };
  await context.close();
  return result;
}
