import { readOrCreateSecret, randomToken } from '../config/data-dir';
import { config } from '../config/env';

type Holder = { __switchyardAdminToken?: { value: string; created: boolean } };

/** The admin token: SWITCHYARD_ADMIN_TOKEN, or one generated into the data folder on first start. */
export function adminToken(): { value: string; created: boolean } {
  const holder = globalThis as Holder;
  if (!holder.__switchyardAdminToken) {
    const fromEnv = config().adminToken;
    holder.__switchyardAdminToken = fromEnv
      ? { value: fromEnv, created: false }
      : readOrCreateSecret('admin.token', () => `sy_admin_${randomToken(24)}`);
  }
  return holder.__switchyardAdminToken;
}
