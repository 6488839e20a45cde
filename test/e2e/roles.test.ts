import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type AppInstance, startApp } from '../support/app';
import { type Browser, openBrowser, screenshot } from '../support/browser';
import { headerState, overrideThroughDialog, signInWithPassword, signOut } from '../support/console';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { type Receiver, startReceiver } from '../support/receiver';
import { type Gateway, setupGateway, waitFor } from '../support/scenario';

const VIEWER = { email: 'vera.viewer@example.com', password: 'viewer-password-123', role: 'viewer' };
const OPERATOR = { email: 'omar.operator@example.com', password: 'operator-password-123', role: 'operator' };

let db: TestDatabase;
let app: AppInstance;
let receiver: Receiver;
/** Forced open by the admin, so it raises an alert. */
let forcedGateway: Gateway;
/** Fails every call with one attempt per delivery, so it has a dead letter. */
let failingGateway: Gateway;
let browser: Browser;

beforeAll(async () => {
  db = await createTestDatabase('e2e_roles');
  receiver = await startReceiver(() => ({ status: 500 }));
  app = await startApp({
    databaseUrl: db.url,
    env: { SWITCHYARD_ALERT_OPEN_STANDARD_SECONDS: '1', SWITCHYARD_ALERT_EVALUATE_MS: '200' },
  });
  for (const user of [VIEWER, OPERATOR]) {
    const created = await app.api('POST', '/api/v1/users', user);
    expect(created.status).toBe(201);
  }

  forcedGateway = await setupGateway(app, { url: receiver.url, name: 'warehouse-feed' });
  const forced = await app.api('POST', `/api/v1/endpoints/${forcedGateway.endpointId}/override`, { action: 'force_open', reason: 'Warehouse migration' });
  expect(forced.status).toBe(200);

  failingGateway = await setupGateway(app, { url: receiver.url, name: 'billing-hook', retry: { maxAttempts: 1, baseDelayMs: 100, maxDelayMs: 1_000, maxAgeMs: 600_000 } });
  await failingGateway.send('{"invoice":1}');
  await waitFor(async () => (await app.api('GET', `/api/v1/dead-letters?endpointId=${failingGateway.endpointId}`)).body.data.length === 1, 15_000, 'a dead letter');
  await waitFor(async () => (await app.api('GET', '/api/v1/alerts?status=open')).body.data.length === 1, 15_000, 'the sustained-open alert');
  browser = await openBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await receiver?.close();
  await db?.drop();
});

describe('roles in the console', () => {
  it('viewer sees controls disabled with reasons', async () => {
    const { page } = browser;
    await page.goto(`${app.url}/login`);
    await screenshot(page, 'login');
    await signInWithPassword(page, app, VIEWER.email, VIEWER.password);
    expect(await page.getByTestId('session-role').getAttribute('data-role')).toBe('viewer');
    expect(await page.getByTestId('session').innerText()).toContain(`user:${VIEWER.email}`);

    const alert = page.locator(`[data-testid="open-alert"][data-endpoint-id="${forcedGateway.endpointId}"]`);
    await alert.waitFor();
    expect(await alert.getByTestId('alert-ack').isDisabled()).toBe(true);
    expect(await alert.getByTestId('alert-ack-disabled-reason').innerText()).toBe(
      'Acknowledging needs the operator or admin role; you are signed in as viewer.',
    );
    await screenshot(page, 'roles-viewer-overview');

    await page.goto(`${app.url}/endpoints/${failingGateway.endpointId}`);
    await expect.poll(() => headerState(page)).toBe('closed');
    expect(await page.getByTestId('override-button').isDisabled()).toBe(true);
    expect(await page.getByTestId('override-disabled-reason').innerText()).toBe('Overrides need the operator or admin role; you are signed in as viewer.');
    await screenshot(page, 'roles-viewer-endpoint');

    await page.goto(`${app.url}/dead-letters?endpointId=${failingGateway.endpointId}`);
    await page.getByTestId('dead-letter-row').first().waitFor();
    await page.getByTestId('dead-letter-select').first().check();
    expect(await page.getByTestId('replay-selected').isDisabled()).toBe(true);
    expect(await page.getByTestId('replay-all').isDisabled()).toBe(true);
    expect(await page.getByTestId('replay-disabled-reason').innerText()).toBe('Replays need the operator or admin role; you are signed in as viewer.');
    await screenshot(page, 'roles-viewer-dead-letters');

    await signOut(page);
  });

  it('operator overrides and acknowledges', async () => {
    const { page } = browser;
    await signInWithPassword(page, app, OPERATOR.email, OPERATOR.password);
    expect(await page.getByTestId('session-role').getAttribute('data-role')).toBe('operator');

    const alert = page.locator(`[data-testid="open-alert"][data-endpoint-id="${forcedGateway.endpointId}"]`);
    await alert.getByTestId('alert-ack').click();
    await expect.poll(() => alert.getByTestId('alert-acknowledged').innerText()).toMatch(new RegExp(`^Acknowledged by user:${OPERATOR.email}`));

    await page.goto(`${app.url}/endpoints/${failingGateway.endpointId}`);
    await expect.poll(() => headerState(page)).toBe('closed');
    expect(await page.getByTestId('override-button').isEnabled()).toBe(true);
    expect(await page.getByTestId('override-disabled-reason').count()).toBe(0);
    await overrideThroughDialog(page, { action: 'force_open', reason: 'Billing receiver returns 500 for every call' });
    await expect.poll(() => headerState(page)).toBe('forced_open');
    const newest = page.getByTestId('transition-row').first();
    await expect.poll(() => newest.getAttribute('data-reason')).toBe('override_force_open');
    expect(await newest.innerText()).toContain(`user:${OPERATOR.email}`);
    expect(await newest.innerText()).toContain('reason “Billing receiver returns 500 for every call”');
    expect(await page.getByTestId('transition-sentence').innerText()).toMatch(
      new RegExp(`^Forced open .*: operator override by user:${OPERATOR.email}, reason “Billing receiver returns 500 for every call”\\.$`),
    );
    await screenshot(page, 'roles-operator-endpoint');

    await page.goto(`${app.url}/dead-letters?endpointId=${failingGateway.endpointId}`);
    await page.getByTestId('dead-letter-row').first().waitFor();
    expect(await page.getByTestId('replay-all').isEnabled()).toBe(true);

    const audit = await app.api('GET', `/api/v1/audit?action=breaker.override&targetId=${failingGateway.endpointId}`);
    expect(audit.body.data[0]).toMatchObject({ actor: `user:${OPERATOR.email}`, reason: 'Billing receiver returns 500 for every call' });
  });
});
