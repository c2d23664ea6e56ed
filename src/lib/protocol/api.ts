/**
 * The HTTP contract between the browser and the server: every route's method and path,
 * the schema of its request body (valibot; the server validates with it, the browser's
 * calls are typed by it) and the type of its answer. The server builds its route table from
 * ROUTES (server/http/route.ts); the browser calls through src/lib/protocol/client.ts.
 * Errors are always `{ error, requestId? }` with a 4xx/5xx status.
 */
import * as v from 'valibot';
import type { GroupMatter } from '../groups/matters.ts';
import type { SearchHit } from '../groups/search.ts';
import type { NoticeRecord } from '../minutes/notice.ts';
import type { ParticipantRole } from '../meeting/types.ts';
import type { ApprovalEntry, ApprovalState } from '../minutes/types.ts';
import { INVITABLE_ROLES, ROLES, type Action } from './roles.ts';

export const TITLE_MAX_LENGTH = 200;
export const NAME_MAX_LENGTH = 200;
/** A participant id of the meeting document (src/lib/meeting). */
const PARTICIPANT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Roles a group token may be given: a group has no adjusters or guests of its own. */
export const GROUP_ROLES = ROLES.filter((role) => role !== 'adjuster' && role !== 'guest');

/** An optional text field: absent, null and '' are all "not given" (null); otherwise trimmed. */
function optionalText(field: string, max: number, pattern?: RegExp) {
	return v.optional(
		v.pipe(
			v.nullable(v.string(`${field} is not valid`)),
			v.check((value) => !value || (value.length <= max && (!pattern || pattern.test(value))), `${field} is not valid`),
			v.transform((value) => value?.trim() || null)
		),
		null
	);
}

// ---- Request bodies ----

export const CreateMeetingBody = v.object({
	title: v.pipe(
		v.string('title is required and must be a string'),
		v.trim(),
		v.nonEmpty('title must not be empty'),
		v.maxLength(TITLE_MAX_LENGTH, `title must be at most ${TITLE_MAX_LENGTH} characters`)
	)
});

export const InvitationBody = v.object({
	name: v.pipe(
		v.string('name is required and must be a non-empty string'),
		v.trim(),
		v.nonEmpty('name is required and must be a non-empty string'),
		v.maxLength(NAME_MAX_LENGTH, `name must be at most ${NAME_MAX_LENGTH} characters`)
	),
	role: v.picklist(INVITABLE_ROLES, `role must be one of ${INVITABLE_ROLES.join(', ')}`),
	participantId: v.optional(
		v.nullable(v.pipe(v.string('participantId must be a participant id of the meeting document'), v.regex(PARTICIPANT_ID, 'participantId must be a participant id of the meeting document'))),
		null
	)
});

export const ApprovalBody = v.object({
	action: v.picklist(['ready', 'approve'], "action must be 'ready' or 'approve'"),
	/** The approver (or secretary) the call acts as; without it, the one the token can act for. */
	participantId: v.optional(v.nullable(v.string('participantId must be a string')))
});

/** The notice's shape; its dates are checked against the approval by src/lib/minutes/notice.ts. */
export const NoticeBody = v.object({
	postedOn: v.string('postedOn must be a date YYYY-MM-DD'),
	takeDownOn: v.string('takeDownOn must be a date YYYY-MM-DD'),
	keptAt: v.string('keptAt is required')
});

/** Name, roster and template are checked by the group's own rules (src/lib/groups). */
export const CreateGroupBody = v.object({
	name: v.unknown(),
	roster: v.optional(v.array(v.unknown(), 'roster must be a list')),
	template: v.optional(v.array(v.unknown(), 'template must be a list'))
});

export const NextMeetingBody = v.object({
	/** The meeting this one follows; null (or absent) for the group's first. */
	after: v.optional(v.nullable(v.string('after must be a meeting id or null')), null),
	title: optionalText('title', NAME_MAX_LENGTH),
	date: optionalText('date', NAME_MAX_LENGTH, DATE),
	startTime: optionalText('startTime', NAME_MAX_LENGTH, TIME),
	place: optionalText('place', 500)
});

export const GroupInvitationBody = v.object({
	role: v.optional(v.picklist(GROUP_ROLES, `role must be one of ${GROUP_ROLES.join(', ')}`), 'member'),
	label: v.pipe(
		optionalText('label', NAME_MAX_LENGTH),
		v.transform((label) => label ?? '')
	)
});

const PERSON_NAME_MAX = 200;
function personField(field: string) {
	return v.optional(
		v.pipe(
			v.nullable(v.string(`${field} must be a string`)),
			v.transform((value) => value?.trim().replace(/\s+/g, ' ') || null),
			v.check((value) => value === null || value.length <= PERSON_NAME_MAX, `${field} must be at most ${PERSON_NAME_MAX} characters`)
		),
		null
	);
}

/** One person, by name or e-mail address, for the personal-data requests. */
/** A ballot in a secret vote: the choice only, never who (the server knows that from the link). */
export const SecretBallotBody = v.object({ choice: v.picklist(['yes', 'no', 'abstain'], 'choice must be yes, no or abstain') });

export interface SecretCounts {
	counts: { yes: number; no: number; abstain: number };
}

export const PersonQueryBody = v.pipe(
	v.object({ name: personField('name'), email: personField('email') }),
	v.check((q) => q.name !== null || q.email !== null, 'Give the name or the e-mail address of the person'),
	v.check((q) => q.name === null || q.name.length >= 3, 'name must be at least 3 characters (a whole name)'),
	v.check((q) => q.email === null || /^[^\s@]+@[^\s@]+$/.test(q.email), 'email is not an e-mail address')
);

/** Erasure names the person the same way, and confirms that it cannot be undone. */
export const ErasureBody = v.pipe(
	v.intersect([PersonQueryBody, v.object({ confirm: v.optional(v.unknown()) })]),
	v.check((body) => body.confirm === true, 'Erasure cannot be undone: send confirm: true')
);

export type PersonQuery = v.InferOutput<typeof PersonQueryBody>;

// ---- Answers ----

export interface InstanceSettings {
	/** Whether creating a meeting needs the organiser secret, or signing in as an organiser. */
	createMeetings: 'open' | 'secret' | 'signed-in';
	/** Present when the instance offers sign-in with OpenID Connect (the start page shows the button). */
	signIn?: true;
	/** The upload limits for handlingar, in bytes. */
	files: { maxFileBytes: number; maxMeetingBytes: number };
	/** Who may ask for one person's data: the organiser secret's bearer, a signed-in member of the organiser group. */
	personalData: { secret: boolean; signedIn: boolean };
}

/** The signed-in user (OIDC), as the browser sees it. */
export interface SignedInUser {
	name: string;
	email: string | null;
	/** May create meetings and groups. */
	organiser: boolean;
}

export interface Health {
	ok: boolean;
	storage: 'ok' | 'unavailable';
	fanout: 'ok' | 'unavailable';
	rooms: number;
	connections: number;
}

export interface CreatedMeeting {
	id: string;
	token: string;
	url: string;
}

/** GET /api/meetings/:id: the meeting and what the caller's token is. */
export interface MeetingAccess {
	id: string;
	title: string;
	/** Bumped when the meeting is reset; a local copy of another epoch is never sent. */
	epoch: number;
	frozenAt: string | null;
	role: string;
	/** The participant a personal invitation is for. */
	participantId: string | null;
	/** The invitee's name from the invitation ('' if none). */
	name: string;
	invitationId: string | null;
	/** What the caller may do, so the interface can adapt (the server enforces it regardless). */
	permissions: Action[];
}

export interface Invitation {
	id: string;
	participantId: string | null;
	name: string;
	role: string;
	createdAt: string;
	revokedAt: string | null;
}

export interface IssuedInvitation {
	invitationId: string;
	token: string;
	url: string;
}

export interface VerifyResult {
	ok: boolean;
	/** The fingerprint sealed at approval (null if not approved). */
	fingerprint: string | null;
	/** The fingerprint of the document as stored now. */
	currentFingerprint: string;
	approvedAt: string | null;
	approvers: ApprovalEntry[];
	reason: 'not-approved' | 'content-changed' | 'document-changed' | null;
}

export interface Correction extends CreatedMeeting {
	previousVersionId: string;
}

export interface NoticeState {
	notice: NoticeRecord | null;
	appealEndsOn: string | null;
}

export interface CreatedGroup {
	id: string;
	name: string;
	token: string;
	url: string;
}

export interface GroupMeetingInfo {
	id: string;
	sequence: number;
	title: string;
	date: string | null;
	createdAt: string;
	path: string;
	url: string;
}

export interface GroupInfo {
	id: string;
	name: string;
	role: string;
	meetings: GroupMeetingInfo[];
}

export interface NextMeetingResult extends GroupMeetingInfo {
	/** False when someone else created it first (or asked before). */
	created: boolean;
	/** How many open matters were carried over into a new meeting. */
	carried?: number;
}

/** A person a meeting's roster can take in one step (GET /api/meetings/:id/people-sources). */
export interface SourcePerson {
	name: string;
	organisation: string | null;
	role: ParticipantRole;
	email?: string | null;
}

export interface GroupInvitation {
	role: string;
	label: string;
	token: string;
	url: string;
}

/** A place in a document and what it holds there. */
export interface Finding {
	path: string;
	value: unknown;
}

export interface DocumentExport {
	id: string;
	kind: 'meeting' | 'group';
	title: string;
	createdAt: string;
	approvedAt: string | null;
	/** Places in the document, each with what it holds (an entry's fields, a reference, an excerpt of free text). */
	document: Finding[];
	/** Invitations issued in the person's name or to their participant entry (never the token). */
	invitations: { id: string; role: string; name: string; createdAt: string; revokedAt: string | null }[];
	/** Their readiness and approvals of the minutes. */
	approvals: { action: string; role: string; name: string; at: string }[];
}

export interface PersonalDataExport {
	query: PersonQuery;
	generatedAt: string;
	documents: DocumentExport[];
}

export interface ErasureReport {
	query: PersonQuery;
	erasedAt: string;
	erased: { id: string; kind: 'meeting' | 'group'; title: string; places: number; invitations: number }[];
	kept: { id: string; title: string; approvedAt: string; places: number; reason: string }[];
}

// ---- The routes ----

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RouteSpec {
	method: Method;
	/** `:name` segments are parameters, matched as one path segment. */
	path: string;
	body?: v.GenericSchema;
	/** Who the bearer token is: a meeting's or group's token, the organiser secret, or none. */
	auth: 'token' | 'secret' | 'none';
}

/** A 204 answer. */
export type NoContent = undefined;

export const ROUTES = {
	instance: { method: 'GET', path: '/api/instance', auth: 'none' },
	health: { method: 'GET', path: '/healthz', auth: 'none' },
	/** Who is signed in (the session cookie); only on an instance with sign-in. */
	session: { method: 'GET', path: '/api/session', auth: 'none' },
	createMeeting: { method: 'POST', path: '/api/meetings', body: CreateMeetingBody, auth: 'secret' },
	meeting: { method: 'GET', path: '/api/meetings/:id', auth: 'token' },
	deleteMeeting: { method: 'DELETE', path: '/api/meetings/:id', auth: 'token' },
	invitations: { method: 'GET', path: '/api/meetings/:id/invitations', auth: 'token' },
	createInvitation: { method: 'POST', path: '/api/meetings/:id/invitations', body: InvitationBody, auth: 'token' },
	revokeInvitation: { method: 'DELETE', path: '/api/meetings/:id/invitations/:invitationId', auth: 'token' },
	approval: { method: 'GET', path: '/api/meetings/:id/minutes/approval', auth: 'token' },
	approve: { method: 'POST', path: '/api/meetings/:id/approval', body: ApprovalBody, auth: 'token' },
	verify: { method: 'GET', path: '/api/meetings/:id/minutes/verify', auth: 'token' },
	correction: { method: 'POST', path: '/api/meetings/:id/correction', auth: 'token' },
	notice: { method: 'GET', path: '/api/meetings/:id/minutes/notice', auth: 'token' },
	recordNotice: { method: 'PUT', path: '/api/meetings/:id/minutes/notice', body: NoticeBody, auth: 'token' },
	createGroup: { method: 'POST', path: '/api/groups', body: CreateGroupBody, auth: 'none' },
	group: { method: 'GET', path: '/api/groups/:id', auth: 'token' },
	nextMeeting: { method: 'POST', path: '/api/groups/:id/meetings', body: NextMeetingBody, auth: 'token' },
	matters: { method: 'GET', path: '/api/groups/:id/matters', auth: 'token' },
	search: { method: 'GET', path: '/api/groups/:id/search', auth: 'token' },
	groupInvitation: { method: 'POST', path: '/api/groups/:id/invitations', body: GroupInvitationBody, auth: 'token' },
	peopleSources: { method: 'GET', path: '/api/meetings/:id/people-sources', auth: 'token' },
	secretBallot: { method: 'POST', path: '/api/meetings/:id/votes/:roundId/ballot', body: SecretBallotBody, auth: 'token' },
	closeSecretVote: { method: 'POST', path: '/api/meetings/:id/votes/:roundId/close', auth: 'token' },
	privacyExport: { method: 'POST', path: '/api/privacy/export', body: PersonQueryBody, auth: 'secret' },
	privacyErase: { method: 'POST', path: '/api/privacy/erase', body: ErasureBody, auth: 'secret' }
} as const satisfies Record<string, RouteSpec>;

export type RouteName = keyof typeof ROUTES;

/** What each route answers with (its 2xx body). */
export interface Replies {
	instance: InstanceSettings;
	health: Health;
	session: { user: SignedInUser | null };
	createMeeting: CreatedMeeting;
	meeting: MeetingAccess;
	deleteMeeting: NoContent;
	invitations: { invitations: Invitation[] };
	createInvitation: IssuedInvitation;
	revokeInvitation: NoContent;
	approval: ApprovalState;
	approve: ApprovalState;
	verify: VerifyResult;
	correction: Correction;
	notice: NoticeState;
	recordNotice: NoticeState;
	createGroup: CreatedGroup;
	group: GroupInfo;
	nextMeeting: NextMeetingResult;
	matters: { matters: GroupMatter[] };
	search: { query: string; hits: SearchHit[] };
	groupInvitation: GroupInvitation;
	/** The group's roster and the previous meeting's participants (empty lists for a meeting outside a group). */
	peopleSources: { group: SourcePerson[]; previous: SourcePerson[] };
	secretBallot: { voted: true };
	closeSecretVote: SecretCounts;
	privacyExport: PersonalDataExport;
	privacyErase: ErasureReport;
}

export type Reply<R extends RouteName> = Replies[R];

/** What the caller sends (before the server's validation and trimming). */
export type RequestBody<R extends RouteName> = (typeof ROUTES)[R] extends { body: infer S extends v.GenericSchema } ? v.InferInput<S> : undefined;

/** The body after validation, as the server's handlers receive it. */
export type ValidBody<R extends RouteName> = (typeof ROUTES)[R] extends { body: infer S extends v.GenericSchema } ? v.InferOutput<S> : undefined;

type ParamNames<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
	? Name | ParamNames<`/${Rest}`>
	: P extends `${string}:${infer Name}`
		? Name
		: never;

export type Params<R extends RouteName> = { [K in ParamNames<(typeof ROUTES)[R]['path']>]: string };

/** The path of a route with its parameters filled in (each URI-encoded). */
export function pathOf<R extends RouteName>(route: R, params: Params<R>): string {
	return ROUTES[route].path.replace(/:([A-Za-z]+)/g, (_, name: string) => encodeURIComponent((params as Record<string, string>)[name]));
}

/** The first problem valibot found, as the one message an error answer carries. */
export function issueMessage(issues: readonly v.BaseIssue<unknown>[]): string {
	const [issue] = issues;
	const key = issue.path?.map((item) => String(item.key)).join('.');
	// A missing key reports the object's message; name the field instead.
	if (issue.type === 'object' && key && issue.received === 'undefined') return `${key} is required`;
	return issue.message;
}
