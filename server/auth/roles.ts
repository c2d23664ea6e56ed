/**
 * Roles and what each may do: the one table the API, the sync policy and the minutes
 * approval ask (`can(role, action)`). A token carries one role (from its invitation);
 * an unknown role string may do nothing but read nothing either.
 *
 * The table is documented in docs/security.md; change both together.
 */

export const ROLES = ['organiser', 'chair', 'secretary', 'adjuster', 'member', 'guest', 'observer'] as const;
export type Role = (typeof ROLES)[number];

/** Roles an invitation may carry. 'organiser' is included: a meeting may have several organisers. */
export const INVITABLE_ROLES: readonly Role[] = ROLES;

export const ACTIONS = [
	/** Open the meeting and receive the document and presence. */
	'document.read',
	/** Edit the document outside the protected parts below: notes, agenda, decisions, assignments, parking lot, check-in. */
	'document.write',
	/** Anything in the `events` root: open/close the meeting, current item, breaks, suspension, tabling, not reached. */
	'live.control',
	/** The `meta` root (schema version, creation time). */
	'meta.write',
	/** `header.kind` (minnesanteckningar or protokoll: decides who must approve). */
	'header.kind',
	/** `participants/<id>/role` (decides who is chair and adjuster in the minutes). */
	'roster.role',
	/** "Klar för justering": the secretary hands the minutes over for approval. */
	'minutes.ready',
	/** Justera: approve the minutes (the last approval freezes the meeting). */
	'minutes.approve',
	/** Start a correction (a new version) of approved minutes. */
	'minutes.correct',
	/** Issue, list and revoke invitations. */
	'invitations.manage'
] as const;
export type Action = (typeof ACTIONS)[number];

const EVERYONE: readonly Role[] = ROLES;
const WRITERS: readonly Role[] = ['organiser', 'chair', 'secretary', 'adjuster', 'member', 'guest'];
/** The chair runs the meeting; the organiser and the secretary stand in for the chair. */
const RUNNERS: readonly Role[] = ['organiser', 'chair', 'secretary'];

const TABLE: Record<Action, readonly Role[]> = {
	'document.read': EVERYONE,
	'document.write': WRITERS,
	'live.control': RUNNERS,
	'meta.write': ['organiser'],
	'header.kind': RUNNERS,
	'roster.role': RUNNERS,
	'minutes.ready': ['organiser', 'secretary'],
	// The secretary wrote the minutes and does not approve them: justering is someone else's check.
	'minutes.approve': ['organiser', 'chair', 'adjuster'],
	'minutes.correct': ['organiser', 'secretary'],
	'invitations.manage': ['organiser']
};

export function isRole(value: unknown): value is Role {
	return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Whether `role` may do `action`. Unknown roles (e.g. from an older database) may do nothing. */
export function can(role: string, action: Action): boolean {
	return isRole(role) && TABLE[action].includes(role);
}

/** Every action `role` may do, for the API's answer so the UI can adapt. */
export function permissionsOf(role: string): Action[] {
	return ACTIONS.filter((action) => can(role, action));
}
