// Every main page in Chromium: it loads with the expected status and no console error, every
// request stays on loopback, it weighs under 100 KB on the wire with the cache off, and axe-core
// finds no WCAG 2.1 A or AA violation. Screenshots and a report land in target/proof/e2e/.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { MAX_PAGE_BYTES, OUT, inspect, launch } from '../lib/browser.js';
import { mainPages } from '../lib/site.js';

const pages = await mainPages();
const results = [];
let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
  writeFileSync(path.join(OUT, 'pages.json'), `${JSON.stringify(results, null, 2)}\n`);
  const rows = results.map(
    (r) =>
      `| ${r.path} | ${r.status} | ${(r.bytes / 1024).toFixed(1)} KB | ${r.requests.length} | ` +
      `${r.consoleErrors.length} | ${r.violations.length} |`,
  );
  writeFileSync(
    path.join(OUT, 'pages.md'),
    [
      '| page | status | bytes on the wire | requests | console errors | WCAG 2.1 A/AA violations |',
      '|---|---|---|---|---|---|',
      ...rows,
      '',
    ].join('\n'),
  );
});

describe('main pages in Chromium', () => {
  for (const p of pages) {
    test(`${p.path}${p.signInAs ? ' (signed in)' : ''}`, async (t) => {
      const r = await inspect(browser, p);
      results.push(r);
      await t.test('answers with its status', () => assert.equal(r.status, p.status ?? 200));
      await t.test('logs no console error', () => assert.deepEqual(r.consoleErrors, []));
      await t.test('loads every resource', () => assert.deepEqual(r.failed, []));
      await t.test('sends no request beyond loopback', () => assert.deepEqual(r.offLoopback, []));
      await t.test(`weighs under ${MAX_PAGE_BYTES / 1024} KB on the wire`, () =>
        assert.ok(r.bytes > 0 && r.bytes < MAX_PAGE_BYTES, `${r.bytes} bytes`),
      );
      await t.test('has no WCAG 2.1 A/AA violation (axe-core)', () =>
        assert.deepEqual(r.violations, []),
      );
    });
  }
});
