// Forms as a person uses them: sign in as a role, open a form, fill it, submit it, and look
// at the page that comes back. A new form's test is one `editForm` spec in tests/forms.test.js.

import assert from 'node:assert/strict';

import { BASE, newContext, signIn } from './browser.js';
import { account } from './site.js';

/** A fresh browser context signed in as `role`, with one page open on /account. */
export async function signedIn(browser, role) {
  const context = await newContext(browser);
  const page = await context.newPage();
  const a = account(role);
  await signIn(page, a.email, a.password);
  assert.equal(new URL(page.url()).pathname, '/me', `signed in as ${role}, on their workspace`);
  await page.goto(`${BASE}/account`);
  return { context, page };
}

/** The form on the page that has a field named like the first of `fields` (else the first). */
export function formWith(page, fields = {}) {
  const first = Object.keys(fields)[0];
  return first
    ? page.locator('form', { has: page.locator(`[name="${first}"]`) }).first()
    : page.locator('form').first();
}

/** Fills named fields: text and text areas, selects (by value or label), checkboxes (booleans). */
export async function fill(form, fields) {
  for (const [name, value] of Object.entries(fields)) {
    const field = form.locator(`[name="${name}"]`).first();
    assert.ok((await field.count()) > 0, `the form has a field "${name}"`);
    const tag = await field.evaluate((e) => e.tagName.toLowerCase());
    const type = (await field.getAttribute('type')) ?? '';
    if (tag === 'select') await field.selectOption(String(value));
    else if (type === 'checkbox' || type === 'radio') await field.setChecked(Boolean(value));
    else await field.fill(String(value));
  }
}

/** Submits a form with its submit button; answers the response of the page that follows. */
export async function submit(page, form) {
  const [response] = await Promise.all([
    page.waitForNavigation(),
    form.locator('button[type="submit"], input[type="submit"], button:not([type])').first().click(),
  ]);
  return response;
}

/** Opens `path`, fills `fields` into its form, submits; answers `{ response, text }`. */
export async function fillAndSubmit(page, path, fields) {
  const opened = await page.goto(`${BASE}${path}`);
  assert.equal(opened.status(), 200, `GET ${path}`);
  const form = formWith(page, fields);
  await fill(form, fields);
  const response = await submit(page, form);
  return { response, text: await page.locator('body').innerText() };
}

/** Whether the site has the page (forms being built answer 404 until they land). */
export async function exists(path) {
  const r = await fetch(`${BASE}${path}`, { redirect: 'manual' });
  return r.status !== 404;
}

/**
 * One edit form, end to end: as `role`, two tabs open `path` on the same version; the first
 * submits `fields` and the page it lands on shows each value of `shows` (default: the values);
 * the second, now stale, submits `conflict` and is told the record changed (409 or 412, or a
 * page saying so), and the first's values are still what `view` (default: where the first
 * landed) shows.
 */
export async function editForm(browser, { role, path, fields, shows, conflict, view }) {
  const { context, page } = await signedIn(browser, role);
  try {
    const second = await context.newPage();
    if (conflict) assert.equal((await second.goto(`${BASE}${path}`)).status(), 200);

    const first = await fillAndSubmit(page, path, fields);
    assert.ok(first.response.status() < 400, `submitting ${path}: HTTP ${first.response.status()}`);
    const landed = page.url();
    for (const v of shows ?? Object.values(fields).filter((x) => typeof x === 'string')) {
      assert.ok(first.text.includes(v), `the page after saving shows "${v}"`);
    }

    if (conflict) {
      const form = formWith(second, conflict);
      await fill(form, conflict);
      const stale = await submit(second, form);
      const text = await second.locator('body').innerText();
      assert.ok(
        [409, 412].includes(stale.status()) || /changed|conflict|since you/i.test(text),
        `a stale submit of ${path} is reported (HTTP ${stale.status()})`,
      );
      await page.goto(view ? `${BASE}${view}` : landed);
      const now = await page.locator('body').innerText();
      for (const v of shows ?? Object.values(fields).filter((x) => typeof x === 'string')) {
        assert.ok(now.includes(v), `after the refused stale edit, the page still shows "${v}"`);
      }
    }
  } finally {
    await context.close();
  }
}
