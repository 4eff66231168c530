import { parseArgs } from 'node:util';
import { ROLES } from '../contracts/roles.js';
import type { Deps } from '../deps.js';
import { createRepos } from '../repos.js';
import { presentStaff } from '../staff/present.js';
import { RoleSchema } from '../staff/schema.js';
import { addStaff, disableStaff, findStaffByEmailOr404, resetPassword, type StaffContext } from '../staff/service.js';
import { type CliIo, type Command, osUser, UsageError } from './io.js';

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

/** Who the CLI acts as in the audit log: the operating-system user, marked as such. */
const cliActor = () => `cli:${osUser()}`;

/** Staff accounts from the terminal: how the first admin is made, and a way in when the console is locked. */
export const staffCommands: Record<string, Command> = {
  'staff add'(args, io, runtime) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { role: { type: 'string' } } });
    const email = oneEmail(positionals);
    const role = RoleSchema.safeParse(values.role);
    if (!role.success) throw new UsageError(`--role must be one of ${ROLES.join(', ')}.`);
    withStaff(runtime, (ctx) => {
      const added = addStaff(ctx, { email, role: role.data, actor: cliActor() });
      io.out(`Staff account ${added.staff.email} (${added.staff.role}) added.`);
      printLink(io, added.link, added.expiresAt);
    });
  },
  'staff list'(_args, io, runtime) {
    withStaff(runtime, (ctx) => {
      const list = ctx.repos.staff.listStaff().map(presentStaff);
      if (list.length === 0)
        io.out('No staff accounts yet. Add the first admin with: fieldkit staff add <email> --role admin');
      for (const s of list) io.out(`${s.email}\t${s.role}\t${s.status}\tadded ${s.createdAt}`);
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
