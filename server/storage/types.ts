/**
 * The storage contract, in parts: each part is one small interface that a caller depends
 * on alone (the approval service needs `minutes` and `docs`, not tokens). SQLite (embedded
 * default) and PostgreSQL (multi-instance) implement every part and share one contract
 * suite per part (tests/integration/storage-contract*.ts). Everything is async so that a
 * networked engine fits the same shape; the SQLite parts simply resolve at once.
 * Schema changes are numbered migrations, one list for both engines: migrations.ts.
 */
import type { GroupStore } from './group-types.ts';
import type { SessionStore } from './session-types.ts';
import type { SecretBallotStore } from './secret-ballot-types.ts';

export interface MeetingRecord {
	id: string;
	title: string;
	createdAt: string; // ISO 8601
	/** Increased when the meeting is deleted and recreated, so devices do not resurrect old local copies. */
	epoch: number;
	/** Set when the minutes are approved: no document write is accepted afterwards. */
	frozenAt: string | null;
	deletedAt: string | null;
}

export interface TokenRecord {
	meetingId: string;
	/** Role the token grants; the foundation issues 'organiser' tokens only. */
	role: string;
	/** Free text label (the invitee's name), never the token itself. */
	label: string;
	createdAt: string;
	revokedAt: string | null;
	/**
	 * The invitation's id (not secret; used to list and revoke it). Optional for
	 * backward compatibility; every token issued by the API has one.
	 */
	id?: string;
	/** The participant (in the meeting document) the invitation is for, if any. */
	participantId?: string | null;
}

/** A token as the organiser sees it in the invitation list: never the token or its hash. */
export interface InvitationRecord {
	id: string;
	meetingId: string;
	participantId: string | null;
	/** The invitee's name (the token's label). */
	name: string;
	role: string;
	createdAt: string;
	revokedAt: string | null;
}

/**
 * Justering (approval of the minutes). One record per (meeting, action, participant):
 * the secretary's 'ready' ("Klar för justering") and each approver's 'approve'.
 */
export interface ApprovalRecord {
	meetingId: string;
	action: 'ready' | 'approve';
	/** The participant in the meeting document who acted, or null (an organiser with no such participant). */
	participantId: string | null;
	/** The role acted in: 'secretary' for ready, 'adjuster' or 'chair' for approve. */
	role: string;
	name: string;
	at: string;
}

/** One who must approve: fixed when the secretary marks the minutes ready. */
export interface RequiredApprover {
	participantId: string;
	name: string;
	role: 'adjuster' | 'chair';
}

/**
 * What was fixed when the last approver approved: the fingerprints of the stored document
 * at that moment (see docs/minutes.md for what exactly is hashed) and who approved when.
 */
export interface MinutesSeal {
	meetingId: string;
	/** Identifies the canonical export's format, e.g. 'motesrum-meeting/1'. */
	format: string;
	/** SHA-256 hex of the canonical export (JSON) of the document. */
	fingerprint: string;
	/** SHA-256 hex of the document's Yjs snapshot (state vector + delete set). */
	stateHash: string;
	approvedAt: string;
	approvers: ApprovalRecord[];
}

/**
 * The notice of approved minutes on the official notice board (anslag), recorded by the
 * organiser after approval; one per meeting, replaced when corrected. Beside the approval
 * records because the frozen document cannot take it. Dates are YYYY-MM-DD.
 */
export interface NoticeRecord {
	meetingId: string;
	postedOn: string;
	takeDownOn: string;
	keptAt: string;
	recordedBy: string;
	recordedAt: string;
}

export interface VersionLinks {
	/** The frozen meeting this one corrects. */
	previousVersionId: string | null;
	/** The correction of this meeting, if one was made. */
	nextVersionId: string | null;
}

/** Meeting records (a group's document is one too, with the group's id). */
export interface MeetingStore {
	createMeeting(meeting: Pick<MeetingRecord, 'id' | 'title'>): Promise<MeetingRecord>;
	getMeeting(id: string): Promise<MeetingRecord | null>;
	/**
	 * Marks the meeting deleted (`deletedAt`) and drops its stored document, atomically;
	 * later appends to it are refused, so an open room or an offline device cannot bring
	 * it back. Returns false (and changes nothing) if the meeting is unknown, already
	 * deleted, or frozen (approved minutes are public records).
	 */
	deleteMeeting(id: string): Promise<boolean>;
	/** Number of meetings that are not deleted (the instance's meeting limit). */
	countMeetings(): Promise<number>;
	/** Every document that is not deleted (meetings and group documents), oldest first (the personal-data export). */
	listMeetingRecords(): Promise<MeetingRecord[]>;
}

export interface AppendEntry {
	meetingId: string;
	update: Uint8Array;
}

/** A meeting's Yjs document: a snapshot plus an append-only log, and who owns which client id. */
export interface DocumentStore {
	/** All stored Yjs updates of a meeting (the latest snapshot first, then the log), in order. */
	loadUpdates(meetingId: string): Promise<Uint8Array[]>;
	/**
	 * Durably appends one Yjs update; resolves only once it is on disk (or committed).
	 * Refuses (throws) once the meeting is frozen or deleted, whichever instance froze or
	 * deleted it: a room still open elsewhere must not change or bring it back.
	 */
	appendUpdate(meetingId: string, update: Uint8Array): Promise<void>;
	/**
	 * Several appends committed as one transaction, in order; each entry is stored or
	 * refused on its own exactly as `appendUpdate` would (its result: null, or the error
	 * that call would have thrown). Rejects only if nothing was stored. The server batches
	 * the appends of one event-loop turn through it (batched-appends.ts).
	 */
	appendUpdates(entries: readonly AppendEntry[]): Promise<(Error | null)[]>;
	/** Number of log entries since the last snapshot (the server compacts past a threshold). */
	countUpdates(meetingId: string): Promise<number>;
	/**
	 * Replaces the snapshot and the log entries it covers by one snapshot (document-log.ts).
	 * Entries appended concurrently are kept. Safe when two processes compact the same meeting at once.
	 */
	compact(meetingId: string): Promise<void>;
	/** The principal (invitation id) that first used each Yjs client id in the meeting (docs/security.md, "Client ids"). */
	loadClientOwners(meetingId: string): Promise<Map<number, string>>;
	/**
	 * Records `principal` as the owner of each of `clients` that nobody owns yet, atomically
	 * per id (the first claim wins, across every instance), and returns the owner of each id.
	 */
	claimClients(meetingId: string, clients: readonly number[], principal: string): Promise<Map<number, string>>;
}

/** Personal links (stored by hash only) and the invitations they stand for (docs/security.md). */
export interface TokenStore {
	/** Stores a token by its hash (SHA-256 hex); the raw token never reaches storage. */
	addToken(tokenHash: string, token: Omit<TokenRecord, 'createdAt' | 'revokedAt'>): Promise<void>;
	findToken(tokenHash: string): Promise<TokenRecord | null>;
	/** Every token of the meeting that has an id, as invitations, oldest first (revoked ones included). */
	listInvitations(meetingId: string): Promise<InvitationRecord[]>;
	/**
	 * Revokes the meeting's unrevoked tokens with this invitation id, or all of them for
	 * this participant id, in one statement; returns the ids it revoked.
	 */
	revokeInvitations(meetingId: string, match: { id: string } | { participantId: string }): Promise<string[]>;
	/** Sets the label (the invitee's name) of these invitations of the meeting; returns how many changed (erasure). */
	relabelInvitations(meetingId: string, invitationIds: readonly string[], label: string): Promise<number>;
}

/** Justering, the seal and corrected versions (docs/minutes.md). */
export interface MinutesStore {
	/** Records a ready or an approval; a repeat of the same (meeting, action, participant) keeps the first. */
	addApproval(record: ApprovalRecord): Promise<void>;
	/** A meeting's approval records, oldest first. */
	listApprovals(meetingId: string): Promise<ApprovalRecord[]>;
	/** Replaces who must approve (fixed when the minutes are marked ready). */
	setRequiredApprovers(meetingId: string, approvers: readonly RequiredApprover[]): Promise<void>;
	/** Who must approve, as fixed at the last 'ready'; null if never fixed (minutes marked ready by an older version). */
	getRequiredApprovers(meetingId: string): Promise<RequiredApprover[] | null>;
	/**
	 * Sets the meeting's `frozenAt` to `at` unless it is already set; from then on every
	 * instance's appends are refused. Returns whether this call froze it.
	 */
	freezeMeeting(meetingId: string, at: string): Promise<boolean>;
	/**
	 * Stores the seal, and sets `frozenAt` to `seal.approvedAt` if `freezeMeeting` did not
	 * already, atomically. Returns false (and changes nothing) if the meeting was frozen at
	 * another time or already has a seal.
	 */
	sealMinutes(seal: MinutesSeal): Promise<boolean>;
	getSeal(meetingId: string): Promise<MinutesSeal | null>;
	/**
	 * Creates a meeting as the correction of `previousId` with `update` as its stored
	 * document, and links the two, atomically. Returns null (and creates nothing) if
	 * `previousId` already has a correction.
	 */
	createCorrection(input: { id: string; title: string; previousId: string; update: Uint8Array }): Promise<MeetingRecord | null>;
	getVersionLinks(meetingId: string): Promise<VersionLinks>;
}

/** The notice of approved minutes on the official notice board (anslag). */
export interface NoticeStore {
	/** Stores the meeting's notice, replacing an earlier one. */
	setNotice(record: NoticeRecord): Promise<void>;
	getNotice(meetingId: string): Promise<NoticeRecord | null>;
}

/** One storage engine: every part over one database, opened by `init` (which runs the migrations). */
export interface MeetingStorage {
	/** Which engine this is, for the start-up log line and /healthz. */
	readonly engine: 'sqlite' | 'postgres';
	readonly meetings: MeetingStore;
	readonly docs: DocumentStore;
	/**
	 * Each meeting's confidential part (the content of its confidential items), a document of
	 * its own with its own log, compacted like `docs` and deleted with the meeting. Client ids
	 * are owned per meeting: `docs.claimClients` covers both documents.
	 */
	readonly confidential: DocumentStore;
	readonly tokens: TokenStore;
	readonly minutes: MinutesStore;
	readonly notices: NoticeStore;
	readonly groups: GroupStore;
	/** Sign-in sessions (OIDC); unused without sign-in. */
	readonly sessions: SessionStore;
	/** Secret votes: who has voted, and the count apart (secret-ballot-types.ts). */
	readonly ballots: SecretBallotStore;
	/** Opens the database and applies the pending migrations; must be called before anything else. */
	init(): Promise<void>;
	close(): Promise<void>;
}

/** The same storage seen with another document part (batching, timing): every other part, init and close are its own. */
export function withDocuments(storage: MeetingStorage, docs: DocumentStore): MeetingStorage {
	return { ...storage, docs, init: () => storage.init(), close: () => storage.close() };
}
