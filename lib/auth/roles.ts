export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** Viewers read; operators also override and replay; admins also manage configuration. */
export function hasRole(actual: Role, required: Role): boolean {
  return RANK[actual] >= RANK[required];
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** The authenticated caller. `subject` is `admin`, an API token id (`tok_…`) or a user id (`usr_…`). */
export type Principal = { actor: string; role: Role; via: 'token' | 'session'; subject: string };
