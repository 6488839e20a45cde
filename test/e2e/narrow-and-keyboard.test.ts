import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type AppInstance, startApp, TEST_ADMIN_TOKEN } from '../support/app';
import { type Browser, openBrowser, screenshot } from '../support/browser';
import { headerState, signInWithToken } from '../support/console';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { type Receiver, startReceiver } from '../support/receiver';
import { type Gateway, setupGateway, waitFor } from '../support/scenario';

/** Width of a common phone screen in CSS pixels. */
const PHONE = { width: 390, height: 844 };

let db: TestDatabase;
let app: AppInstance;
let receiver: Receiver;
let trafficGateway: Gateway;
let forcedGateway: Gateway;
let browser: Browser;

beforeAll(async () => {
  db = await createTestDatabase('e2e_narrow_keyboard');
  receiver = await startReceiver((n) => ({ status: n % 4 === 0 ? 500 : 200 }));
  app = await startApp({
    databaseUrl: db.url,
    env: { SWITCHYARD_ALERT_OPEN_STANDARD_SECONDS: '1', SWITCHYARD_ALERT_EVALUATE_MS: '200' },
  });
  trafficGateway = await setupGateway(app, {
    url: receiver.url,
    name: 'notifications-with-a-long-endpoint-name',
    retry: { maxAttempts: 1, baseDelayMs: 100, maxDelayMs: 1_000, maxAgeMs: 600_000 },
  });
  for (let i = 0; i < 12; i++) await trafficGateway.send(JSON.stringify({ notification: i }));
  await waitFor(async () => receiver.log.length === 12, 15_000, 'the first deliveries');

  forcedGateway = await setupGateway(app, { url: receiver.url, name: 'search-indexer' });
  await app.api('POST', `/api/v1/endpoints/${forcedGateway.endpointId}/override`, { action: 'force_open', reason: 'Reindex in progress' });
  await waitFor(async () => (await app.api('GET', '/api/v1/alerts?status=open')).body.data.length === 1, 15_000, 'the alert');
  browser = await openBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await receiver?.close();
  await db?.drop();
});

/** Returns how far the page is wider than the window, in CSS pixels. 0 means no sideways scrolling. */
function pageOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/** Presses Tab `count` times and returns a label for each focused element. */
async function tabThrough(page: Page, count: number): Promise<string[]> {
  const labels: string[] = [];
  for (let i = 0; i < count; i++) {
    await page.keyboard.press('Tab');
    labels.push(
      await page.evaluate(() => {
        const element = document.activeElement as HTMLElement | null;
        if (!element) return '';
        return element.getAttribute('data-testid') ?? element.getAttribute('aria-label') ?? element.innerText?.trim().split('\n')[0] ?? element.tagName;
      }),
    );
  }
  return labels;
}

/** Presses Tab until the element with `testId` has focus; fails after `maxPresses`. */
async function tabTo(page: Page, testId: string, maxPresses = 20): Promise<void> {
  for (let i = 0; i < maxPresses; i++) {
    await page.keyboard.press('Tab');
    if ((await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))) === testId) return;
  }
  throw new Error(`${testId} did not receive focus within ${maxPresses} Tab presses`);
}

describe('narrow screens and keyboard use', () => {
  it('pages fit a 390 px screen', async () => {
    const { page } = browser;
    await page.setViewportSize(PHONE);
    await page.goto(`${app.url}/login`);
    expect(await pageOverflow(page)).toBe(0);
    await screenshot(page, 'narrow-login');

    await signInWithToken(page, app, TEST_ADMIN_TOKEN);
    await page.getByTestId('open-alert').waitFor();
    await page.getByTestId('endpoint-row').nth(1).waitFor();
    expect(await pageOverflow(page)).toBe(0);
    await screenshot(page, 'narrow-overview');

    await page.goto(`${app.url}/endpoints/${trafficGateway.endpointId}`);
    await page.getByTestId('bucket-row').first().waitFor();
    await page.getByTestId('slo-panel').waitFor();
    expect(await pageOverflow(page)).toBe(0);
    await screenshot(page, 'narrow-endpoint');

    await page.goto(`${app.url}/dead-letters?endpointId=${trafficGateway.endpointId}`);
    await page.getByTestId('dead-letter-row').first().waitFor();
    expect(await pageOverflow(page)).toBe(0);
    await screenshot(page, 'narrow-dead-letters');

    await page.goto(`${app.url}/runbooks/manual-override`);
    await page.getByTestId('runbook').waitFor();
    expect(await pageOverflow(page)).toBe(0);
    await screenshot(page, 'narrow-runbook');

    await page.goto(`${app.url}/audit`);
    await page.getByTestId('audit-row').first().waitFor();
    expect(await pageOverflow(page)).toBe(0);
    await screenshot(page, 'narrow-audit');
  });

  it('overview controls take keyboard focus', async () => {
    const { page } = browser;
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${app.url}/`);
    await page.getByTestId('open-alert').waitFor();
    await page.getByTestId('endpoint-row').nth(1).waitFor();

    const focused = await tabThrough(page, 30);
    expect(focused).toContain('Skip to content');
    expect(focused).toContain('Runbooks');
    expect(focused).toContain('state-count-open');
    expect(focused).toContain('alert-runbook');
    expect(focused).toContain('alert-ack');
    expect(focused).toContain('endpoint-sort');
    expect(focused).toContain('search-indexer');
  });

  it('override works from the keyboard', async () => {
    const { page } = browser;
    await page.goto(`${app.url}/endpoints/${trafficGateway.endpointId}`);
    await expect.poll(() => headerState(page)).toBe('closed');

    await tabTo(page, 'override-button', 40);
    await page.keyboard.press('Enter');
    await page.getByTestId('override-dialog').waitFor();
    // Tab moves from the runbook link to the action (force open by default), then the reason.
    const reached = await tabThrough(page, 2);
    expect(reached).toEqual(['override-action', 'override-reason']);
    await page.keyboard.type('Keyboard-only override check');
    await tabTo(page, 'override-submit');
    await page.keyboard.press('Enter');
    // The confirm button takes focus when the confirmation step opens.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('override-confirm');
    await page.keyboard.press('Enter');
    await expect.poll(() => headerState(page)).toBe('forced_open');
    await screenshot(page, 'keyboard-override');
  });
});
