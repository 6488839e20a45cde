import type { Page } from 'playwright-core';

import type { AppInstance } from './app';

/** Signs the browser in through the sign-in link that the server prints, then waits to leave /login. */
export async function signInWithToken(page: Page, app: AppInstance, token: string): Promise<void> {
  await page.goto(`${app.url}/login?token=${encodeURIComponent(token)}`);
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

/** Signs the browser in through the email and password form, then waits to leave /login. */
export async function signInWithPassword(page: Page, app: AppInstance, email: string, password: string): Promise<void> {
  await page.goto(`${app.url}/login`);
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-password-submit').click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

/** Signs out with the console's button and waits for the sign-in page. */
export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL((url) => url.pathname.startsWith('/login'));
}

/** Returns the state of the endpoint page's header badge, e.g. "half_open". */
export async function headerState(page: Page): Promise<string | null> {
  return page.locator('.endpoint-title-row [data-testid="state-badge"]').getAttribute('data-state');
}

/** Returns `time` as a datetime-local value in the browser's zone, with seconds. */
export async function localDateTimeValue(page: Page, time: number): Promise<string> {
  return page.evaluate((ms) => {
    const date = new Date(ms);
    const pad = (value: number) => String(value).padStart(2, '0');
    return (
      `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
      `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
    );
  }, time);
}

/** Applies an override through the endpoint page's dialog: action, reason, optional expiry, confirm. */
export async function overrideThroughDialog(page: Page, options: { action: string; reason: string; expiresAt?: number }): Promise<void> {
  await page.getByTestId('override-button').click();
  await page.getByTestId('override-action').selectOption(options.action);
  await page.getByTestId('override-reason').fill(options.reason);
  if (options.expiresAt !== undefined) {
    await page.getByTestId('override-expiry').fill(await localDateTimeValue(page, options.expiresAt));
  }
  await page.getByTestId('override-submit').click();
  await page.getByTestId('override-confirm').click();
  await page.getByTestId('override-result').waitFor();
}
