import { parseArgs } from 'node:util';
import { reissueToken, revokeTokens } from '../cases/links.js';
import { createRepos } from '../repos.js';
import { linksWriter } from './fieldings.js';
import { type Command, required } from './io.js';

export const tokenCommands: Record<string, Command> = {
  'token revoke'(args, io, runtime) {
    const { values } = parseArgs({
      args,
      options: {
        link: { type: 'string' },
        code: { type: 'string' },
        fielding: { type: 'string' },
        office: { type: 'string' },
        email: { type: 'string' },
      },
    });
    const secret = values.link ?? values.code;
    const target = secret
      ? { kind: 'secret' as const, value: secret }
      : (() => {
          const v = required(values, ['fielding', 'office', 'email']);
          return {
            kind: 'contact' as const,
            fielding: v.fielding as string,
            officeId: v.office as string,
            email: v.email as string,
          };
        })();
    const deps = runtime();
    try {
      const n = revokeTokens(
        { repos: createRepos(deps.db), random: deps.random, clock: deps.clock, publicUrl: deps.config.publicUrl },
        target,
      );
      io.out(
        n === 0
          ? 'Nothing to revoke: the token was already revoked.'
          : `Revoked ${n} token(s). Their links and codes no longer work.`,
      );
    } finally {
      deps.db.close();
    }
  },
  'token reissue'(args, io, runtime) {
    const { values } = parseArgs({
      args,
      options: {
        fielding: { type: 'string' },
        office: { type: 'string' },
        email: { type: 'string' },
        'links-out': { type: 'string' },
      },
    });
    const v = required(values, ['fielding', 'office', 'email', 'links-out']);
    const links = linksWriter(io, v['links-out'] as string);
    const deps = runtime();
    try {
      const ctx = {
        repos: createRepos(deps.db),
        random: deps.random,
        clock: deps.clock,
        publicUrl: deps.config.publicUrl,
      };
      const link = deps.db.transaction(() => {
        const issued = reissueToken(ctx, {
          kind: 'contact',
          fielding: v.fielding as string,
          officeId: v.office as string,
          email: v.email as string,
        });
        links.write([issued]);
        return issued;
      })();
      io.out(`Reissued the link for ${link.contact_email} (${link.office_id}); the old one no longer works.`);
      io.out(`New link and access code written to ${links.target}.`);
    } finally {
      deps.db.close();
    }
  },
};
