import { existsSync } from 'node:fs';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type AppInstance, startApp, TEST_ADMIN_TOKEN } from '../support/app';
import { type Browser, openBrowser, screenshot } from '../support/browser';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { type Receiver, startReceiver } from '../support/receiver';
import { type Gateway, setupGateway, waitFor } from '../support/scenario';

let db: TestDatabase;
let app: AppInstance;
let receiver: Receiver;
let gateway: Gateway;
let browser: Browser;

beforeAll(async () => {
  db = await createTestDatabase('e2e_override');
  receiver = await startReceiver(() => ({ status: 200 }));
  app = await startApp({ databaseUrl: db.url });
  gateway = await setupGateway(app, { url: receiver.url, name: 'orders-service' });
  for (let i = 0; i < 5; i++) await gateway.send(JSON.stringify({ order: i }));
  await waitFor(async () => receiver.log.length === 5, 10_000, 'first deliveries');
  browser = await openBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await receiver?.close();
  await db?.drop();
});

describe('console override', () => {
  it('forces open with an audited reason', async () => {
    const { page } = browser;
    await page.goto(`${app.url}/login?token=${encodeURIComponent(TEST_ADMIN_TOKEN)}`);
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
    await page.getByTestId('endpoint-row').filter({ hasText: 'orders-service' }).first().waitFor();
    await screenshot(page, 'overview');

    await page.goto(`${app.url}/endpoints/${gateway.endpointId}`);
    await expect.poll(() => page.getByTestId('state-badge').first().getAttribute('data-state')).toBe('closed');

    await page.getByTestId('override-button').click();
    await page.getByTestId('override-action').selectOption('force_open');
    // The reason is required: with an empty reason the review step stays disabled.
    expect(await page.getByTestId('override-submit').isDisabled()).toBe(true);
    await page.getByTestId('override-reason').fill('Receiver deploy in progress');
    await page.getByTestId('override-submit').click();
    await page.getByTestId('override-confirm').click();

    await expect.poll(() => page.getByTestId('state-badge').first().getAttribute('data-state'), { timeout: 10_000 }).toBe('forced_open');
    await expect.poll(() => page.getByTestId('state-badge').first().innerText()).toMatch(/forced open/i);
    const row = page.getByTestId('transition-row').first();
    await expect.poll(() => row.getAttribute('data-to')).toBe('forced_open');
    const file = await screenshot(page, 'endpoint-forced-open');
    expect(existsSync(file)).toBe(true);

    // The API agrees with the page, and the audit entry carries the reason and the actor.
    const endpoint = await app.api('GET', `/api/v1/endpoints/${gateway.endpointId}`);
    expect(endpoint.body.breaker.state).toBe('forced_open');
    await page.goto(`${app.url}/audit`);
    const entry = page.getByTestId('audit-row').filter({ hasText: 'Receiver deploy in progress' }).first();
    await entry.waitFor();
    expect(await entry.getAttribute('data-action')).toBe('breaker.override');
    expect(await entry.innerText()).toContain('admin');
    await screenshot(page, 'audit');

    // Traffic is held: a new event is not sent while forced open.
    await gateway.send('{"order":"held"}');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.log).toHaveLength(5);
  });
});
