import type { ApiToken, AuditEntry, Staff, TokenSettings as TokenSettingsAnswer } from '../contracts/staff.js';
import { initialsOf } from './names.js';
import type { ApiTokenRow, StaffRow } from './repo.js';
import type { TokenSettings } from './service.js';

/** What staff see of an account: never the password hash. */
export function presentStaff(row: StaffRow): Staff {
  return {
    id: row.id,
    email: row.email,
    fullName: row.full_name,
    initials: initialsOf(row),
    role: row.role,
    status: row.disabled_at ? 'disabled' : row.password_hash ? 'active' : 'password_not_set',
    createdAt: row.created_at,
    disabledAt: row.disabled_at,
  };
}

/** A token as listed: its name and first characters, never the token or its hash. */
export function presentApiToken(row: ApiTokenRow): ApiToken {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    expiresAt: row.expires_at,
  };
}

export function presentTokenSettings(settings: TokenSettings): TokenSettingsAnswer {
  return {
    defaultDays: settings.defaultDays,
    maxDays: settings.maxDays,
    updatedAt: settings.updatedAt,
    updatedBy: settings.updatedBy,
  };
}

export function presentAuditEntry(row: {
  id: number;
  at: string;
  actor: string;
  action: string;
  fielding: string | null;
  detail: string;
}): AuditEntry {
  return {
    id: row.id,
    at: row.at,
    actor: row.actor,
    action: row.action,
    fielding: row.fielding,
    detail: JSON.parse(row.detail) as unknown,
  };
}
