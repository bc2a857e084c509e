// What the suite knows of the site: its accounts (made by scripts/e2e), its API, and the list
// of main pages, with the records' pages found through the API.

import fs from 'node:fs';
import path from 'node:path';

import { BASE } from './browser.js';

/** Accounts by role: `{ coordinator: { email, password }, city_officer: … }`. */
export const ACCOUNTS = JSON.parse(process.env.KOTA_E2E_ACCOUNTS ?? '{}');
export const TOKEN = process.env.KOTA_E2E_TOKEN ?? '';

export function account(role) {
  const a = ACCOUNTS[role];
  if (!a) throw new Error(`no ${role} account: scripts/e2e makes them`);
  return a;
}

export async function api(method, apiPath, { body, ifMatch, token = TOKEN } = {}) {
  const headers = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (ifMatch) headers['if-match'] = ifMatch;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const r = await fetch(`${BASE}${apiPath}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, etag: r.headers.get('etag'), json: text ? JSON.parse(text) : null };
}

async function firstSlug(list, query = '') {
  const r = await api('GET', `/api/v1/${list}?limit=1${query}`, { token: '' });
  if (r.status !== 200 || !r.json.items.length) throw new Error(`no ${list} to look at`);
  return r.json.items[0].slug;
}

/**
 * Text in the scripts of the network's mainland member states: each city gets a project of
 * this title, so that its page and the project's show the script (and the screenshots whether
 * the fonts render it).
 */
export const NATIVE_TEXT = {
  bangkok: 'กรุงเทพมหานคร เมืองอัจฉริยะ',
  vientiane: 'ນະຄອນຫຼວງວຽງຈັນ ເມືອງອັດສະລິຍະ',
  'phnom-penh': 'រាជធានីភ្នំពេញ ទីក្រុងឆ្លាតវៃ',
  yangon: 'ရန်ကုန်မြို့ စမတ်စီးတီး',
};

/** The main pages: every kind of page the site has, each once, and the signed-in ones. */
export async function nativeProjects() {
  const slugs = {};
  for (const [city, title] of Object.entries(NATIVE_TEXT)) {
    const r = await api('POST', `/api/v1/cities/${city}/projects`, {
      body: {
        title,
        description: `${title}: ${city}`,
        focus_areas: ['built_infrastructure'],
        stage: 'planning',
        budget: null,
        funding_gap: null,
        open_to_private_investment: false,
        viability_rationale: null,
        confidential_notes: null,
      },
    });
    if (r.status !== 201) throw new Error(`project in ${city}: ${r.status} ${JSON.stringify(r.json)}`);
    slugs[city] = r.json.slug;
  }
  return slugs;
}

/** A twinning proposed to Bangkok (by a coordinator, for the partner account's partner). */
export async function proposedTwinning() {
  const r = await api('POST', '/api/v1/twinnings', {
    body: {
      partner: 'japan-association-for-smart-cities-in-asean-jasca-asean',
      city: 'bangkok',
      focus_areas: ['built_infrastructure'],
      objectives: 'Smart mobility pilots along the BTS lines',
    },
  });
  if (r.status !== 201) throw new Error(`twinning: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json.id;
}

/**
 * A Bangkok project open to private investment, with an interest of the partner account's
 * partner in it (submitted by a coordinator acting for the partner).
 */
export async function interestOnViableProject() {
  const p = await api('POST', '/api/v1/cities/bangkok/projects', {
    body: {
      title: 'Solar canopies over the canal piers',
      description: 'Canopies that shade the piers and feed the grid',
      focus_areas: ['built_infrastructure'],
      stage: 'funding',
      budget: { amount: 12000000, currency: 'USD' },
      funding_gap: { amount: 7000000, currency: 'USD' },
      budget_confidential: true,
      support_sought: ['funding', 'equipment'],
      open_to_private_investment: true,
      viability_rationale: 'Power sales repay the investment',
      confidential_notes: null,
    },
  });
  if (p.status !== 201) throw new Error(`viable project: ${p.status} ${JSON.stringify(p.json)}`);
  const i = await api('POST', `/api/v1/projects/${p.json.slug}/interests`, {
    body: {
      instrument: 'technology',
      amount: 2000000,
      currency: 'USD',
      note: 'Panels and metering, installed and maintained',
      partner: 'japan-association-for-smart-cities-in-asean-jasca-asean',
    },
  });
  if (i.status !== 201) throw new Error(`interest: ${i.status} ${JSON.stringify(i.json)}`);
  return { project: p.json.slug, interest: i.json.id };
}

/** The folder the server writes its mail into (scripts/e2e gives it a scratch data folder). */
const OUTBOX = process.env.KOTA_E2E_OUTBOX ?? '';

/** A mail's text with its quoted-printable soft breaks and escapes undone. */
function unquote(text) {
  return text
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
}

/** The path of the link `prefix`… in the newest mail to `address` the server wrote. */
async function linkMailedTo(address, prefix) {
  if (!OUTBOX) throw new Error('no outbox folder: scripts/e2e gives one');
  const pattern = new RegExp(`${prefix}[A-Za-z0-9_.-]+`);
  for (let attempt = 0; attempt < 150; attempt += 1) {
    const files = fs.existsSync(OUTBOX) ? fs.readdirSync(OUTBOX).filter((f) => f.endsWith('.eml')).sort().reverse() : [];
    for (const file of files) {
      const text = unquote(fs.readFileSync(path.join(OUTBOX, file), 'utf8'));
      const found = text.includes(`To: ${address}`) && text.match(pattern);
      if (found) return found[0];
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no mail to ${address} with a link ${prefix}… in ${OUTBOX}`);
}

/** The link of an invitation a coordinator sent to a new officer of Bangkok. */
export async function invitationLink() {
  const email = 'invited-officer@proof.example.org';
  const r = await api('POST', '/api/v1/invitations', { body: { email, role: 'city_officer', city: 'bangkok' } });
  if (r.status !== 201) throw new Error(`invitation: ${r.status} ${JSON.stringify(r.json)}`);
  return linkMailedTo(email, '/invitations/');
}

/** The link of a password reset the city officer asked for. */
export async function resetLink() {
  const { email } = account('city_officer');
  const r = await api('POST', '/api/v1/password-resets', { body: { email }, token: '' });
  if (r.status !== 202) throw new Error(`password reset: ${r.status} ${JSON.stringify(r.json)}`);
  return linkMailedTo(email, '/password-reset/');
}

/** A fair matching round over the whole network (a coordinator's draft). */
export async function draftRound() {
  const r = await api('POST', '/api/v1/rounds', { body: { mode: 'fair' } });
  if (r.status !== 201) throw new Error(`round: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json.id;
}

/** A brokerage session in Manila with an agenda, participants and a decision about Bangkok. */
export async function runEvent() {
  const r = await api('POST', '/api/v1/events', {
    body: {
      title: 'Brokerage session: flood resilience',
      kind: 'brokerage_session',
      starts_at: '2027-03-10T09:00:00+08:00',
      ends_at: '2027-03-10T17:30:00+08:00',
      time_zone: 'Asia/Manila',
      place: 'Manila City Hall',
      host_city: 'manila',
      participants: [{ type: 'city', id: 'bangkok' }, { type: 'city', id: 'cebu-city' }],
      agenda: [{ starts_at: '2027-03-10T09:00:00+08:00', title: 'Opening' }, { title: 'Pitches' }],
    },
  });
  if (r.status !== 201) throw new Error(`event: ${r.status} ${JSON.stringify(r.json)}`);
  const d = await api('POST', `/api/v1/events/${r.json.id}/decisions`, {
    body: { text: 'Pilot flood sensors along the canals', concerns: [{ type: 'city', id: 'bangkok' }] },
  });
  if (d.status !== 201) throw new Error(`decision: ${d.status} ${JSON.stringify(d.json)}`);
  return r.json.slug;
}

/** Example indicator values (not real data) of Bangkok and Chiang Mai, so that the charts show. */
export async function exampleIndicators() {
  const value = (year, v) => ({
    code: 'pm25_annual_mean',
    name: 'Annual mean PM2.5 (example, not real data)',
    unit: 'µg/m³',
    year,
    value: v,
    source: 'Browser proof example',
    target_year: 2030,
    target_value: 15,
  });
  for (const [city, values] of [['bangkok', [[2019, 30], [2021, 26], [2023, 21.5]]], ['chiang-mai', [[2022, 25], [2023, 24]]]]) {
    const r = await api('POST', `/api/v1/cities/${city}/indicators`, { body: values.map(([y, v]) => value(y, v)) });
    if (r.status !== 201) throw new Error(`indicators of ${city}: ${r.status} ${JSON.stringify(r.json)}`);
  }
}

/** A success story of Bangkok written in Thai, with an outcome figure and a source. */
export async function thaiStory() {
  const r = await api('POST', '/api/v1/stories', {
    body: {
      kind: 'success_story',
      city: 'bangkok',
      focus_areas: ['quality_environment'],
      language: 'th',
      title: 'เซ็นเซอร์เตือนน้ำท่วมริมคลอง',
      body: 'เซ็นเซอร์ริมคลองเตือนน้ำท่วมล่วงหน้า\n\nเมืองตอบสนองได้เร็วขึ้น',
      outcomes: [{ label: 'เวลาเตือนล่วงหน้า', value: 45, unit: 'minutes' }],
      sources: [{ title: 'Browser proof example' }],
    },
  });
  if (r.status !== 201) throw new Error(`story: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json.slug;
}

/** Two records of one project in Manila (the 2018 plan's and a monitoring report's). */
async function duplicatePair() {
  const r = await api('GET', '/api/v1/projects?city=manila&limit=100', { token: '' });
  const slug = (title) => r.json.items.find((p) => p.title === title)?.slug;
  const pair = [slug('Command Centre Upgrade'), slug('Command Center Upgrade')];
  if (r.status !== 200 || pair.includes(undefined)) throw new Error('no duplicate pair in Manila');
  return pair;
}

export async function mainPages() {
  const native = await nativeProjects();
  const proposed = await proposedTwinning();
  const round = await draftRound();
  const business = await interestOnViableProject();
  const runEventSlug = await runEvent();
  const invitation = await invitationLink();
  const reset = await resetLink();
  await exampleIndicators();
  const story = await thaiStory();
  const [merged, survivor] = await duplicatePair();
  const documented = await api('GET', '/api/v1/twinnings?limit=1', { token: '' });
  if (documented.status !== 200 || !documented.json.items.length) throw new Error('no twinning');
  const [project, partner, event] = await Promise.all([
    firstSlug('projects'),
    firstSlug('partners'),
    firstSlug('events'),
  ]);
  const coordinator = account('coordinator');
  const officer = account('city_officer');
  const partnerRep = account('partner_representative');
  return [
    { name: 'home', path: '/' },
    { name: 'about', path: '/about' },
    { name: 'member-states', path: '/member-states' },
    { name: 'member-state-th', path: '/member-states/TH' },
    { name: 'member-state-ph', path: '/member-states/PH' },
    { name: 'map', path: '/map' },
    { name: 'cities', path: '/cities' },
    { name: 'cities-filtered', path: '/cities?country=VN&role=capital' },
    { name: 'search-thai', path: `/search?q=${encodeURIComponent('กรุงเทพ')}` },
    { name: 'search-vietnamese', path: `/search?q=${encodeURIComponent('Đà Nẵng')}` },
    ...Object.keys(NATIVE_TEXT).map((slug) => ({ name: `city-${slug}`, path: `/cities/${slug}` })),
    ...Object.entries(native).map(([city, slug]) => ({
      name: `project-${city}`,
      path: `/projects/${slug}`,
    })),
    { name: 'framework', path: '/framework' },
    { name: 'projects', path: '/projects' },
    { name: 'project', path: `/projects/${project}` },
    { name: 'partners', path: '/partners' },
    { name: 'partner', path: `/partners/${partner}` },
    { name: 'partner-japanese-name', path: '/partners/japan-association-for-smart-cities-in-asean-jasca-asean' },
    { name: 'stories', path: '/stories' },
    { name: 'story', path: `/stories/${story}` },
    { name: 'stories-filtered', path: '/stories?language=th&kind=success_story' },
    { name: 'form-new-story', path: '/stories/new', signInAs: officer },
    { name: 'form-story', path: `/stories/${story}/edit`, signInAs: coordinator },
    { name: 'duplicates', path: '/projects/duplicates', signInAs: coordinator },
    { name: 'merge-confirm', path: `/projects/${merged}/merge?into=${survivor}`, signInAs: coordinator },
    { name: 'events', path: '/events' },
    { name: 'event', path: `/events/${event}` },
    { name: 'chairmanship', path: '/chairmanship' },
    { name: 'dashboard', path: '/dashboard' },
    { name: 'dashboard-coordinator', path: '/dashboard', signInAs: coordinator },
    { name: 'reports', path: '/reports' },
    { name: 'report-2025', path: '/reports/2025' },
    { name: 'chairmanship-year', path: '/chairmanship/2026', signInAs: coordinator },
    { name: 'login', path: '/login' },
    { name: 'not-found', path: '/no-such-page', status: 404 },
    { name: 'account', path: '/account', signInAs: coordinator },
    { name: 'workspace-officer', path: '/me', signInAs: officer },
    { name: 'workspace-partner', path: '/me', signInAs: partnerRep },
    { name: 'workspace-coordinator', path: '/me', signInAs: coordinator },
    { name: 'invitations', path: '/invitations', signInAs: coordinator },
    { name: 'invitation', path: invitation },
    { name: 'password-reset', path: '/password-reset' },
    { name: 'password-reset-choose', path: reset },
    { name: 'city-indicators', path: '/cities/bangkok/indicators' },
    { name: 'indicator-compare', path: '/indicators/pm25_annual_mean?city=bangkok' },
    { name: 'form-indicator-upload', path: '/cities/bangkok/indicators/upload', signInAs: officer },
    { name: 'plan-versions', path: '/cities/bangkok/plan' },
    { name: 'plan-diff', path: '/cities/bangkok/plan/diff?from=1&to=1' },
    { name: 'audit', path: '/audit', signInAs: coordinator },
    { name: 'form-city-profile', path: '/cities/bangkok/edit', signInAs: officer },
    { name: 'form-plan', path: '/cities/bangkok/plan/edit', signInAs: officer },
    { name: 'form-new-project', path: '/cities/bangkok/projects/new', signInAs: officer },
    { name: 'form-project', path: `/projects/${native.bangkok ?? project}/edit`, signInAs: officer },
    { name: 'form-partner', path: '/partners/japan-association-for-smart-cities-in-asean-jasca-asean/edit', signInAs: partnerRep },
    { name: 'form-new-city', path: '/cities/new', signInAs: coordinator },
    { name: 'form-focus-area', path: '/framework/focus-areas/built_infrastructure/edit', signInAs: coordinator },
    { name: 'twinnings', path: '/twinnings' },
    { name: 'twinnings-filtered', path: '/twinnings?city=bangkok&state=active' },
    { name: 'twinning-documented', path: `/twinnings/${documented.json.items[0].id}` },
    { name: 'twinning-proposed', path: `/twinnings/${proposed}`, signInAs: officer },
    { name: 'twinning-inbox-city', path: '/twinnings/inbox', signInAs: officer },
    { name: 'twinning-inbox-partner', path: '/twinnings/inbox', signInAs: partnerRep },
    { name: 'twinning-inbox-coordinator', path: '/twinnings/inbox', signInAs: coordinator },
    { name: 'form-propose-twinning', path: '/partners/japan-association-for-smart-cities-in-asean-jasca-asean/twinnings/new', signInAs: partnerRep },
    { name: 'rounds', path: '/rounds', signInAs: coordinator },
    { name: 'round', path: `/rounds/${round}`, signInAs: coordinator },
    { name: 'form-new-round', path: '/rounds/new', signInAs: coordinator },
    { name: 'form-pin-pair', path: `/rounds/${round}/pins`, signInAs: coordinator },
    { name: 'brokerage', path: `/events/${runEventSlug}/brokerage` },
    { name: 'brokerage-officer', path: `/events/${runEventSlug}/brokerage`, signInAs: officer },
    { name: 'brokerage-coordinator', path: `/events/${runEventSlug}/brokerage`, signInAs: coordinator },
    { name: 'form-meeting-request', path: `/events/${runEventSlug}/brokerage/request`, signInAs: officer },
    { name: 'form-brokerage-settings', path: `/events/${runEventSlug}/brokerage/settings`, signInAs: coordinator },
    { name: 'form-brokerage-schedule', path: `/events/${runEventSlug}/brokerage/schedule`, signInAs: coordinator },
    { name: 'agenda', path: `/events/${runEventSlug}/agenda?participant=bangkok`, signInAs: officer },
    { name: 'form-log-activity', path: `/twinnings/${documented.json.items[0].id}/activities`, signInAs: coordinator },
    { name: 'project-open-to-investment', path: `/projects/${business.project}` },
    { name: 'form-express-interest', path: `/projects/${business.project}/interests/new`, signInAs: partnerRep },
    { name: 'interests-partner', path: '/interests', signInAs: partnerRep },
    { name: 'interests-city', path: '/interests?state=submitted', signInAs: officer },
    { name: 'interests-coordinator', path: '/interests', signInAs: coordinator },
    { name: 'interest', path: `/interests/${business.interest}`, signInAs: officer },
    { name: 'form-interest-message', path: `/interests/${business.interest}/messages`, signInAs: partnerRep },
    { name: 'event-run', path: `/events/${runEventSlug}` },
    { name: 'events-coordinator', path: '/events', signInAs: coordinator },
    { name: 'form-new-event', path: '/events/new', signInAs: coordinator },
    { name: 'form-event', path: `/events/${runEventSlug}/edit`, signInAs: coordinator },
    { name: 'form-decision', path: `/events/${runEventSlug}/decisions/new`, signInAs: coordinator },
  ];
}
