import { addMember, type Session, signIn } from '../staff/setup.js';
import type { TestEnv } from '../support/app.js';

export const CASE_FILE = 'cs-case-file-abstraction';
export const PROSECUTOR_INTERVIEW = 'cs-prosecutor-interview';

/**
 * A site added by `lead` (an admin or fieldwork session) using the given instruments, with a new
 * interviewer account assigned to it and signed in.
 */
export async function siteWithInterviewer(
  env: TestEnv,
  lead: Session,
  options: { name: string; interviewer: string; fullName?: string; instruments?: string[] },
) {
  const site = (
    await lead.send('post', '/api/staff/sites', { name: options.name, jurisdiction: `${options.name} County` })
  ).body.site as { id: number; name: string };
  const member = await addMember(env, options.interviewer, 'interviewer');
  if (options.fullName !== undefined) {
    env.db.prepare('UPDATE staff SET full_name = ? WHERE id = ?').run(options.fullName, member.id);
  }
  await lead.send('put', `/api/staff/sites/${site.id}/interviewers`, { staffIds: [member.id] }).expect(200);
  await lead
    .send('put', `/api/staff/sites/${site.id}/instruments`, {
      instrumentIds: options.instruments ?? [CASE_FILE, PROSECUTOR_INTERVIEW],
    })
    .expect(200);
  return { site, interviewer: await signIn(env, member.email), interviewerId: member.id };
}
