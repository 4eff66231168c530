/**
 * The staff roles and the groups of them that routes allow. No imports, so the staff console
 * (client/console) shares these very lists instead of restating who may open which page.
 */
export const ROLES = ['admin', 'fieldwork', 'analyst', 'interviewer'] as const;
export type Role = (typeof ROLES)[number];

export const ANY_STAFF: readonly Role[] = ROLES;
export const ADMIN: readonly Role[] = ['admin'];
/** Who works with fieldings and their data; interviewers see only their own cases (a later issue). */
export const STUDY_STAFF: readonly Role[] = ['admin', 'fieldwork', 'analyst'];
/** Who runs the fieldwork: creates fieldings, changes cases, their links and contacts. */
export const FIELDWORK_STAFF: readonly Role[] = ['admin', 'fieldwork'];
/** Who may take the data away: exports. */
export const ANALYSTS: readonly Role[] = ['admin', 'analyst'];
/** Who enters Phase II records: interviewers (at their own sites) and the fieldwork leads. */
export const RECORD_EDITORS: readonly Role[] = ['admin', 'fieldwork', 'interviewer'];
