/**
 * Roles and what each may do: the one table that the sync server (which places of the
 * document a connection may write), the HTTP API, the minutes approval and the interface
 * (which controls it shows) all ask, through `can(role, action)`. A token carries one role
 * (from its invitation); an unknown role string may do nothing, not even read.
 *
 * Which places of the document each write action covers is the schema's `WriteScope`
 * (src/lib/meeting/schema.ts): 'run' → record.write, 'notes' → notes.write,
 * 'self' → attendance.self. The table is documented in docs/security.md; change both together.
 */

export const ROLES = ['organiser', 'chair', 'secretary', 'adjuster', 'member', 'guest', 'observer'] as const;
export type Role = (typeof ROLES)[number];

/** Roles an invitation may carry. 'organiser' is included: a meeting may have several organisers. */
export const INVITABLE_ROLES: readonly Role[] = ROLES;

export const ACTIONS = [
	/** Open the meeting and receive the document and presence. */
	'document.read',
	/** Send any write at all (decided once per connection; the places are checked per update). */
	'document.write',
	/** Co-edit the text of the items' notes (a guest only in the items they attend or present). */
	'notes.write',
	/** Check oneself in and set one's own attendance (room, remote, absent). */
	'attendance.self',
	/**
	 * Cast one's own ballot in a secret (sluten) vote, through the server, which keeps the count
	 * apart from who has voted (server/votes). Only voters the round lists may; closing it is record.write.
	 */
	'ballot.secret',
	/**
	 * The record: header, agenda items and their order, decisions, assignments, parking lot,
	 * roster and everyone's attendance, the live flow, meta.
	 */
	'record.write',
	/** "Klar för justering": the secretary hands the minutes over for approval (and fixes who must approve). */
	'minutes.ready',
	/** Justera: approve the minutes (the last approval freezes the meeting). */
	'minutes.approve',
	/** Start a correction (a new version) of approved minutes. */
	'minutes.correct',
	/** Record the notice of the approved minutes (anslag: posted, taken down, kept at). */
	'minutes.notice',
	/** Issue, list and revoke invitations. */
	'invitations.manage',
	/** Upload handlingar (files) to agenda items; listing them in the document is `record.write`. */
	'documents.upload',
	/** Open the files of confidential items (sekretess); a guest only those of items they attend. */
	'documents.confidential',
	/**
	 * Receive the content of confidential items (notes, decisions, assignments, links): the
	 * meeting's confidential part, a document the server sends to nobody else. Not guests (the
	 * part holds every confidential item, not only theirs) and not observers.
	 */
	'confidential.read'
] as const;
export type Action = (typeof ACTIONS)[number];

const EVERYONE: readonly Role[] = ROLES;
const WRITERS: readonly Role[] = ['organiser', 'chair', 'secretary', 'adjuster', 'member', 'guest'];
/** The chair runs the meeting; the organiser and the secretary stand in for the chair. */
export const RUNNERS: readonly Role[] = ['organiser', 'chair', 'secretary'];

const TABLE: Record<Action, readonly Role[]> = {
	'document.read': EVERYONE,
	'document.write': WRITERS,
	'notes.write': WRITERS,
	'attendance.self': WRITERS,
	'ballot.secret': WRITERS,
	'record.write': RUNNERS,
	'minutes.ready': ['organiser', 'secretary'],
	// The secretary wrote the minutes and does not approve them: justering is someone else's check.
	'minutes.approve': ['organiser', 'chair', 'adjuster'],
	'minutes.correct': ['organiser', 'secretary'],
	'minutes.notice': ['organiser'],
	'invitations.manage': ['organiser'],
	'documents.upload': RUNNERS,
	// Observers follow the meeting from outside it: a confidential item's files are not theirs to read.
	'documents.confidential': WRITERS,
	'confidential.read': ['organiser', 'chair', 'secretary', 'adjuster', 'member']
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

/**
 * The access role of a roster entry's role (the meeting document's `ParticipantRole`), for a
 * signed-in participant matched by e-mail: the same role an invitation for them would
 * carry. A presenter (föredragande) writes like a guest, in the items they present.
 */
export function roleOfParticipant(participantRole: string): Role {
	if (participantRole === 'presenter') return 'guest';
	return isRole(participantRole) && participantRole !== 'organiser' ? participantRole : 'observer';
}
