import { parseArgs } from 'node:util';
import { ROLES } from '../contracts/roles.js';
import type { Deps } from '../deps.js';
import { createRepos } from '../repos.js';
import { initialsOf } from '../staff/names.js';
import { presentStaff } from '../staff/present.js';
import { FullNameSchema, RoleSchema } from '../staff/schema.js';
import {
  addStaff,
  disableStaff,
  findStaffByEmailOr404,
  renameStaff,
  resetPassword,
  type StaffContext,
} from '../staff/service.js';
import { type CliIo, type Command, cliActor, UsageError } from './io.js';

function staffContext(deps: Deps): StaffContext {
  return {
    repos: createRepos(deps.db),
    settings: deps.config.staff,
    clock: deps.clock,
    random: deps.random,
    publicUrl: deps.config.publicUrl,
  };
}

function oneEmail(positionals: string[]): string {
  const [email, ...extra] = positionals;
  if (!email || extra.length > 0) throw new UsageError('Name one email address.');
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw new UsageError(`"${email}" is not an email address.`);
  return email;
}

function fullNameOf(text: string): string {
  const parsed = FullNameSchema.safeParse(text);
  if (!parsed.success)
    throw new UsageError(`--name ${parsed.error.issues[0]?.message ?? 'is not a name'} (at most 200 characters).`);
  return parsed.data;
}

function printLink(io: CliIo, link: string, expiresAt: string) {
  io.out(`Set-password link (works once, until ${expiresAt}; shown only now):`);
  io.out(`  ${link}`);
  io.out('Send it to the person by a channel you trust. They choose a password of at least 12 characters.');
}

function withStaff(runtime: () => Deps, run: (ctx: StaffContext) => void) {
  const deps = runtime();
  try {
    run(staffContext(deps));
  } finally {
    deps.db.close();
  }
}

/** Staff accounts from the terminal: how the first admin is made, and a way in when the console is locked. */
export const staffCommands: Record<string, Command> = {
  'staff add'(args, io, runtime) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { role: { type: 'string' }, name: { type: 'string' } },
    });
    const email = oneEmail(positionals);
    const role = RoleSchema.safeParse(values.role);
    if (!role.success) throw new UsageError(`--role must be one of ${ROLES.join(', ')}.`);
    const fullName = fullNameOf(values.name ?? '');
    withStaff(runtime, (ctx) => {
      const added = addStaff(ctx, { email, role: role.data, fullName, actor: cliActor() });
      const named = added.staff.full_name ? ` for ${added.staff.full_name} (${initialsOf(added.staff)})` : '';
      io.out(`Staff account ${added.staff.email} (${added.staff.role}) added${named}.`);
      printLink(io, added.link, added.expiresAt);
    });
  },
  'staff list'(_args, io, runtime) {
    withStaff(runtime, (ctx) => {
      const list = ctx.repos.staff.listStaff().map(presentStaff);
      if (list.length === 0)
        io.out('No staff accounts yet. Add the first admin with: fieldkit staff add <email> --role admin');
      for (const s of list)
        io.out(`${s.email}\t${s.role}\t${s.status}\tadded ${s.createdAt}\t${s.fullName || '-'}\t${s.initials}`);
    });
  },
  'staff name'(args, io, runtime) {
    const { positionals } = parseArgs({ args, allowPositionals: true });
    const [email, name, ...extra] = positionals;
    if (!email || name === undefined || extra.length > 0)
      throw new UsageError('Name one email address and the full name in quotes ("" clears it).');
    const fullName = fullNameOf(name);
    withStaff(runtime, (ctx) => {
      const target = findStaffByEmailOr404(ctx, oneEmail([email]));
      const renamed = renameStaff(ctx, { id: target.id, fullName, actor: cliActor() });
      io.out(
        renamed.full_name
          ? `${renamed.email} is now ${renamed.full_name}; records take the initials ${initialsOf(renamed)}.`
          : `${renamed.email} has no full name now; records take the initials ${initialsOf(renamed)} from the email.`,
      );
    });
  },
  'staff disable'(args, io, runtime) {
    const { positionals } = parseArgs({ args, allowPositionals: true });
    const email = oneEmail(positionals);
    withStaff(runtime, (ctx) => {
      const target = findStaffByEmailOr404(ctx, email);
      disableStaff(ctx, { id: target.id, actor: cliActor() });
      io.out(`${target.email} is disabled: its sessions, API tokens and set-password links have ended.`);
    });
  },
  'staff reset-password'(args, io, runtime) {
    const { positionals } = parseArgs({ args, allowPositionals: true });
    const email = oneEmail(positionals);
    withStaff(runtime, (ctx) => {
      const target = findStaffByEmailOr404(ctx, email);
      const reset = resetPassword(ctx, { id: target.id, actor: cliActor() });
      io.out(`The password of ${target.email} no longer works and its sessions have ended.`);
      printLink(io, reset.link, reset.expiresAt);
    });
  },
};
