import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type AppInstance, startApp, TEST_ADMIN_TOKEN } from '../support/app';
import { type Browser, openBrowser, screenshot } from '../support/browser';
import { headerState, overrideThroughDialog, signInWithToken } from '../support/console';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { type Receiver, startReceiver } from '../support/receiver';
import { type Gateway, setupGateway, waitFor } from '../support/scenario';

/** How far ahead of the click the expiry is set, long enough to see the forced state first. */
const EXPIRY_AHEAD_MS = 6_000;

let db: TestDatabase;
let app: AppInstance;
let receiver: Receiver;
let gateway: Gateway;
let browser: Browser;

beforeAll(async () => {
  db = await createTestDatabase('e2e_override_expiry');
  receiver = await startReceiver(() => ({ status: 200 }));
  app = await startApp({ databaseUrl: db.url });
  gateway = await setupGateway(app, { url: receiver.url, name: 'ledger-sync' });
  browser = await openBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await receiver?.close();
  await db?.drop();
});

describe('override with an expiry', () => {
  it('forced open lapses to closed', async () => {
    const { page } = browser;
    await signInWithToken(page, app, TEST_ADMIN_TOKEN);
    await page.goto(`${app.url}/endpoints/${gateway.endpointId}`);
    await expect.poll(() => headerState(page)).toBe('closed');

    const expiresAt = Date.now() + EXPIRY_AHEAD_MS;
    await overrideThroughDialog(page, { action: 'force_open', reason: 'Receiver database failover, back in a few seconds', expiresAt });

    await expect.poll(() => headerState(page), { timeout: 5_000, interval: 200 }).toBe('forced_open');
    await expect.poll(() => page.getByText(/The override expires in/).count()).toBe(1);
    await screenshot(page, 'override-expiry-forced-open');

    // While forced open, nothing is sent.
    await gateway.send('{"entry":"held"}');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.log).toHaveLength(0);

    // The API stores the expiry the dialog sent, to the second.
    const forced = await app.api('GET', `/api/v1/endpoints/${gateway.endpointId}`);
    expect(Math.abs(Date.parse(forced.body.breaker.expiresAt) - expiresAt)).toBeLessThan(1_000);

    // After the expiry the breaker closes on its own, with reason override_expired.
    await expect.poll(() => headerState(page), { timeout: EXPIRY_AHEAD_MS + 10_000, interval: 250 }).toBe('closed');
    const newest = page.getByTestId('transition-row').first();
    await expect.poll(() => newest.getAttribute('data-reason'), { timeout: 5_000 }).toBe('override_expired');
    expect(await newest.getAttribute('data-from')).toBe('forced_open');
    expect(await newest.getAttribute('data-to')).toBe('closed');
    expect(await page.getByTestId('transition-sentence').innerText()).toMatch(/^Closed .*the operator override expired\.$/);

    const transitions = await app.api('GET', `/api/v1/endpoints/${gateway.endpointId}/transitions`);
    expect(transitions.body.data[0]).toMatchObject({ from: 'forced_open', to: 'closed', reason: 'override_expired', actor: 'system' });
    expect(Date.parse(transitions.body.data[0].at)).toBeGreaterThanOrEqual(expiresAt - 1_000);

    // The held event goes out once the breaker closes, and the state band marks the override.
    await waitFor(async () => receiver.log.length === 1, 10_000, 'the held event');
    await expect.poll(() => page.locator('[data-testid="marker-row"][data-kind="override"]').count()).toBe(1);
    await expect
      .poll(() => page.getByTestId('timeline-segment').evaluateAll((segments) => segments.map((s) => s.getAttribute('data-state'))))
      .toEqual(expect.arrayContaining(['forced_open', 'closed']));
    await screenshot(page, 'override-expiry-closed');
  });
});
