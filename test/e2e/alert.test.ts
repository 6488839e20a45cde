import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type AppInstance, startApp, TEST_ADMIN_TOKEN } from '../support/app';
import { type Browser, openBrowser, screenshot } from '../support/browser';
import { headerState, overrideThroughDialog, signInWithToken } from '../support/console';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { type Receiver, startReceiver } from '../support/receiver';
import { type Gateway, setupGateway } from '../support/scenario';

let db: TestDatabase;
let app: AppInstance;
let receiver: Receiver;
let gateway: Gateway;
let browser: Browser;

beforeAll(async () => {
  db = await createTestDatabase('e2e_alert');
  receiver = await startReceiver(() => ({ status: 200 }));
  // A standard-tier endpoint may stay unavailable for 2 s before the alert, checked every 200 ms.
  app = await startApp({
    databaseUrl: db.url,
    env: { SWITCHYARD_ALERT_OPEN_STANDARD_SECONDS: '2', SWITCHYARD_ALERT_EVALUATE_MS: '200' },
  });
  gateway = await setupGateway(app, { url: receiver.url, name: 'crm-webhooks' });
  browser = await openBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await receiver?.close();
  await db?.drop();
});

describe('sustained-open alert in the console', () => {
  it('raises, acknowledges and resolves the alert', async () => {
    const { page } = browser;
    await signInWithToken(page, app, TEST_ADMIN_TOKEN);
    await page.goto(`${app.url}/endpoints/${gateway.endpointId}`);
    await expect.poll(() => headerState(page)).toBe('closed');

    // The override dialog links to the manual override runbook.
    await page.getByTestId('override-button').click();
    expect(await page.getByTestId('override-runbook').getAttribute('href')).toBe('/runbooks/manual-override');
    await page.keyboard.press('Escape');

    await overrideThroughDialog(page, { action: 'force_open', reason: 'CRM vendor maintenance window' });
    await expect.poll(() => headerState(page)).toBe('forced_open');

    // The overview lists the alert once the endpoint has been unavailable for 2 s.
    await page.goto(`${app.url}/`);
    const alert = page.locator(`[data-testid="open-alert"][data-endpoint-id="${gateway.endpointId}"]`);
    await alert.waitFor({ timeout: 15_000 });
    expect(await alert.getAttribute('data-kind')).toBe('sustained_open');
    expect(await alert.innerText()).toContain('crm-webhooks');
    expect(await alert.innerText()).toMatch(/forced open, unavailable since .*limit 2 seconds/);
    const alertId = await alert.getAttribute('data-alert-id');
    const runbookLink = alert.getByTestId('alert-runbook');
    expect(await runbookLink.getAttribute('href')).toBe('/runbooks/sustained-open');
    await screenshot(page, 'alert-overview-open');

    // Acknowledge as admin: the button gives way to who acknowledged it.
    await alert.getByTestId('alert-ack').click();
    await expect.poll(() => alert.getByTestId('alert-acknowledged').innerText()).toMatch(/^Acknowledged by admin/);
    const acknowledged = await app.api('GET', '/api/v1/alerts?status=open');
    expect(acknowledged.body.data[0]).toMatchObject({ id: alertId, acknowledgedBy: 'admin' });

    // The runbook link opens the rendered runbook.
    await runbookLink.click();
    await page.waitForURL(`${app.url}/runbooks/sustained-open`);
    const runbook = page.getByTestId('runbook');
    await runbook.waitFor();
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Sustained open state and SLA breach');
    expect(await runbook.locator('h2#steps').innerText()).toBe('Steps');
    expect(await runbook.locator('h2#error-budget-burn').count()).toBe(1);
    expect(await runbook.locator('ol > li').count()).toBeGreaterThanOrEqual(7);
    expect(await runbook.locator('table td code', { hasText: 'GET /api/v1/alerts?status=open' }).count()).toBe(1);
    await screenshot(page, 'alert-runbook');

    // The nav leads to the list of runbooks.
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Runbooks' }).click();
    await page.getByTestId('runbook-list').waitFor();
    expect(await page.getByTestId('runbook-link').count()).toBe(7);
    await screenshot(page, 'runbooks');

    // Releasing the override resolves the alert.
    await page.goto(`${app.url}/endpoints/${gateway.endpointId}`);
    await overrideThroughDialog(page, { action: 'release', reason: 'CRM maintenance finished' });
    await expect.poll(() => headerState(page)).toBe('closed');
    await page.goto(`${app.url}/`);
    await expect.poll(() => page.getByTestId('open-alerts').getAttribute('data-count'), { timeout: 15_000 }).toBe('0');
    const resolvedList = page.getByTestId('resolved-alerts');
    await resolvedList.locator('summary').click();
    const resolved = page.locator(`[data-testid="resolved-alert"][data-alert-id="${alertId}"]`);
    await resolved.waitFor();
    expect(await resolved.innerText()).toMatch(/Resolved .*acknowledged by admin/);
    await screenshot(page, 'alert-overview-resolved');

    const history = await app.api('GET', '/api/v1/alerts?status=resolved');
    expect(history.body.data[0]).toMatchObject({ id: alertId, status: 'resolved', kind: 'sustained_open' });
  });
});
