// Every form, submitted in Chromium as a person would: signing in and out, API tokens, and the
// edit forms (each a spec for `editForm`; one whose page is not on the site yet is skipped).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { BASE, launch, newContext, signIn } from '../lib/browser.js';
import { editForm, exists, fillAndSubmit, formWith, signedIn, submit } from '../lib/forms.js';
import { account, api } from '../lib/site.js';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const stamp = Date.now().toString(36);

describe('signing in and out', () => {
  test('a wrong password is refused with a message and the e-mail kept', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const { email } = account('coordinator');
    await signIn(page, email, 'not-the-password-at-all');
    assert.equal(new URL(page.url()).pathname, '/login');
    assert.match(await page.getByRole('alert').innerText(), /not right/);
    assert.equal(await page.inputValue('input[name="email"]'), email);
    await context.close();
  });

  test('the right password signs in, goes on to `next`, and signing out ends the session', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const { email, password } = account('city_officer');
    await page.goto(`${BASE}/account`);
    assert.equal(new URL(page.url()).pathname, '/login', 'the account page asks to sign in');
    await page.fill('input[name="email"]', email);
    await page.fill('input[name="password"]', password);
    await submit(page, formWith(page, { email }));
    assert.equal(new URL(page.url()).pathname, '/account', 'back where they were going');
    assert.ok((await page.locator('body').innerText()).includes(email));

    await submit(page, page.locator('form[action="/logout"]'));
    assert.equal(new URL(page.url()).pathname, '/');
    await page.goto(`${BASE}/account`);
    assert.equal(new URL(page.url()).pathname, '/login', 'signed out');
    await context.close();
  });
});

describe('API tokens on /account', () => {
  test('a token made in the form works on the API, and revoked it no longer does', async () => {
    const { context, page } = await signedIn(browser, 'coordinator');
    const name = `browser ${stamp}`;
    const made = await fillAndSubmit(page, '/account', { name });
    assert.ok(made.response.status() < 400);
    const secret = (await page.locator('.token-secret').innerText()).trim();
    assert.ok(secret.length > 20, 'the secret is shown once');
    assert.equal((await api('GET', '/api/v1/audit?limit=1', { token: secret })).status, 200);

    const row = page.locator('tr', { hasText: name });
    await submit(page, row.locator('form'));
    assert.match(await page.locator('tr', { hasText: name }).innerText(), /revoked/);
    assert.equal((await api('GET', '/api/v1/audit?limit=1', { token: secret })).status, 401);
    await context.close();
  });
});

async function firstProjectOf(city) {
  const r = await api('GET', `/api/v1/projects?city=${city}&limit=1`);
  assert.equal(r.status, 200);
  return r.json.items[0].slug;
}

// The edit forms. Each spec: who, which form, what to type, and (for an edit of an existing
// record) what a second, stale tab types, which must be refused.
const editForms = [
  {
    name: 'city profile',
    role: 'city_officer',
    path: '/cities/bangkok/edit',
    fields: { description: `Edited in the browser ${stamp}` },
    conflict: { description: `Stale edit ${stamp}` },
  },
  {
    name: 'action plan',
    role: 'city_officer',
    path: '/cities/bangkok/plan/edit',
    fields: { vision: `A vision written in the browser ${stamp}` },
    conflict: { vision: `A stale vision ${stamp}` },
  },
  {
    name: 'new project',
    role: 'city_officer',
    path: '/cities/bangkok/projects/new',
    fields: { title: `Browser project ${stamp}`, focus_areas: true },
  },
  {
    name: 'project',
    role: 'city_officer',
    path: async () => `/projects/${await firstProjectOf('bangkok')}/edit`,
    fields: { title: `Retitled in the browser ${stamp}` },
    conflict: { title: `Stale title ${stamp}` },
  },
  {
    name: 'partner profile',
    role: 'partner_representative',
    path: '/partners/japan-association-for-smart-cities-in-asean-jasca-asean/edit',
    fields: { description: `Partner edited in the browser ${stamp}` },
    conflict: { description: `Stale partner edit ${stamp}` },
  },
];

describe('edit forms', () => {
  for (const spec of editForms) {
    test(spec.name, async (t) => {
      const path = typeof spec.path === 'function' ? await spec.path() : spec.path;
      if (!(await exists(path))) return t.skip(`${path} is not on the site yet`);
      await editForm(browser, { ...spec, path });
    });
  }
});

describe('markup people type', () => {
  test('is stored as given and shown as text, never run', async () => {
    const title = `<script>window.kotaInjected = 1</script><img src="/x" onerror="window.kotaInjected = 2"> ${stamp}`;
    const made = await api('POST', '/api/v1/cities/bangkok/projects', {
      body: { title, focus_areas: ['built_infrastructure'] },
    });
    assert.equal(made.status, 201);
    assert.equal(made.json.title, title, 'stored as given');
    const context = await newContext(browser);
    const page = await context.newPage();
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs += 1;
      return d.dismiss();
    });
    const opened = await page.goto(`${BASE}/projects/${made.json.slug}`);
    assert.equal(opened.status(), 200);
    await page.waitForLoadState('networkidle');
    assert.equal(await page.evaluate(() => window.kotaInjected), undefined, 'nothing typed ran');
    assert.equal(await page.locator('h1 img, h1 script').count(), 0, 'no element was made of it');
    assert.ok((await page.locator('h1').innerText()).includes('<script>window.kotaInjected = 1</script>'));
    assert.equal(dialogs, 0);
    await context.close();
  });
});
