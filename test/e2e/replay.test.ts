import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type AppInstance, startApp, TEST_ADMIN_TOKEN } from '../support/app';
import { type Browser, openBrowser, screenshot } from '../support/browser';
import { signInWithToken } from '../support/console';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { type Receiver, startReceiver } from '../support/receiver';
import { type Gateway, setupGateway, waitFor } from '../support/scenario';

const DEAD_LETTERS = 50;
/** Replay rate set in the form: 50 dead letters at 10 per second take about 5 s, long enough to watch. */
const RATE_PER_SECOND = 10;

let db: TestDatabase;
let app: AppInstance;
let receiver: Receiver;
let gateway: Gateway;
let browser: Browser;
let receiverStatus = 500;

beforeAll(async () => {
  db = await createTestDatabase('e2e_replay');
  receiver = await startReceiver(() => ({ status: receiverStatus }));
  app = await startApp({ databaseUrl: db.url });
  // One attempt each, and a minimum volume the test never reaches, so every event dead-letters
  // at once and the breaker stays closed for the replay.
  gateway = await setupGateway(app, {
    url: receiver.url,
    name: 'invoices-hook',
    breaker: { minVolume: 1_000 },
    retry: { maxAttempts: 1, baseDelayMs: 100, maxDelayMs: 1_000, maxAgeMs: 600_000 },
  });
  for (let i = 0; i < DEAD_LETTERS; i++) expect((await gateway.send(JSON.stringify({ invoice: i }))).status).toBe(202);
  await waitFor(
    async () => {
      const page = await app.api('GET', `/api/v1/dead-letters?endpointId=${gateway.endpointId}&limit=100`);
      return page.body.data.length === DEAD_LETTERS;
    },
    30_000,
    `${DEAD_LETTERS} dead letters`,
  );
  browser = await openBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await receiver?.close();
  await db?.drop();
});

function webhookIds(requests: Receiver['log']): string[] {
  return requests.map((request) => String(request.headers['webhook-id'])).sort();
}

describe('dead-letter replay in the console', () => {
  it('replays all with progress and same ids', async () => {
    const deadLetters = (await app.api('GET', `/api/v1/dead-letters?endpointId=${gateway.endpointId}&limit=100`)).body.data as Array<{ id: string }>;
    const failedIds = webhookIds(receiver.log);
    expect(failedIds).toHaveLength(DEAD_LETTERS);
    expect(new Set(failedIds).size).toBe(DEAD_LETTERS);
    expect(failedIds).toEqual(deadLetters.map((delivery) => delivery.id).sort());

    receiverStatus = 200;
    const { page } = browser;
    await signInWithToken(page, app, TEST_ADMIN_TOKEN);
    await page.goto(`${app.url}/dead-letters?endpointId=${gateway.endpointId}`);
    await expect.poll(() => page.getByTestId('dead-letter-row').count(), { timeout: 10_000 }).toBe(DEAD_LETTERS);
    await screenshot(page, 'replay-dead-letters');

    await page.getByTestId('replay-rate').fill(String(RATE_PER_SECOND));
    await page.getByTestId('replay-all').click();
    const dialog = page.getByTestId('replay-dialog');
    expect(await dialog.innerText()).toContain(`at most ${RATE_PER_SECOND} per second`);
    await page.getByTestId('replay-dialog-confirm').click();

    // The bar moves through intermediate values before the replay is done.
    const progress = page.getByTestId('replay-progress');
    await progress.waitFor();
    await waitFor(
      async () => {
        const value = Number(await progress.locator('progress').getAttribute('value'));
        return value > 0 && value < DEAD_LETTERS ? value : null;
      },
      10_000,
      'the progress bar between 0 and 50',
    );
    await screenshot(page, 'replay-in-progress');
    await expect.poll(() => progress.getAttribute('data-status'), { timeout: 20_000, interval: 100 }).toBe('done');
    expect(await progress.locator('progress').getAttribute('value')).toBe(String(DEAD_LETTERS));
    expect(await progress.innerText()).toContain(`${DEAD_LETTERS} of ${DEAD_LETTERS} queued again (100 %)`);
    // The outcome line follows the sends: every replayed delivery ends delivered.
    await expect
      .poll(() => page.getByTestId('replay-outcome').innerText(), { timeout: 20_000, interval: 200 })
      .toContain(`${DEAD_LETTERS} delivered · 0 still being sent · 0 dead again`);
    await screenshot(page, 'replay-done');

    // The receiver gets every replayed delivery once more, under the same webhook-id.
    await waitFor(async () => receiver.log.filter((request) => request.status === 200).length === DEAD_LETTERS, 20_000, 'the replayed deliveries');
    expect(webhookIds(receiver.log.filter((request) => request.status === 200))).toEqual(failedIds);

    // Once delivered, nothing is left in the dead-letter list.
    await expect.poll(() => page.getByTestId('empty-state').count(), { timeout: 10_000 }).toBe(1);
    const replay = (await app.api('GET', '/api/v1/audit?action=replay.start')).body.data[0];
    expect(replay.actor).toBe('admin');
    expect(replay.after.filter.ratePerSecond).toBe(RATE_PER_SECOND);
  });
});
