/**
 * The storage contract. SQLite (embedded default) and PostgreSQL (multi-instance)
 * implement it and share one test suite. Everything is async so that a networked
 * engine fits the same shape; the SQLite adapter simply resolves at once.
 */

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

export interface VersionLinks {
	/** The frozen meeting this one corrects. */
	previousVersionId: string | null;
	/** The correction of this meeting, if one was made. */
	nextVersionId: string | null;
}

export interface MeetingStorage {
	/** Runs migrations; must be called before anything else. */
	init(): Promise<void>;
	close(): Promise<void>;

	createMeeting(meeting: Pick<MeetingRecord, 'id' | 'title'>): Promise<MeetingRecord>;
	getMeeting(id: string): Promise<MeetingRecord | null>;
	/**
	 * Marks the meeting deleted (`deletedAt`) and drops its stored document, atomically;
	 * later appends to it are refused, so an open room or an offline device cannot bring
	 * it back. Returns false (and changes nothing) if the meeting is unknown, already
	 * deleted, or frozen (approved minutes are public records).
	 */
	deleteMeeting(id: string): Promise<boolean>;

	/** Stores a token by its hash (SHA-256 hex); the raw token never reaches storage. */
	addToken(tokenHash: string, token: Omit<TokenRecord, 'createdAt' | 'revokedAt'>): Promise<void>;
	findToken(tokenHash: string): Promise<TokenRecord | null>;

	// ---- invitations and instance limits (docs/security.md)

	/** Every token of the meeting that has an id, as invitations, oldest first (revoked ones included). */
	listInvitations(meetingId: string): Promise<InvitationRecord[]>;
	/**
	 * Revokes the meeting's unrevoked tokens with this invitation id, or all of them for
	 * this participant id, in one statement; returns the ids it revoked.
	 */
	revokeInvitations(meetingId: string, match: { id: string } | { participantId: string }): Promise<string[]>;
	/** Number of meetings that are not deleted (the instance's meeting limit). */
	countMeetings(): Promise<number>;

	/** All stored Yjs updates of a meeting (the latest snapshot first, then the log), in order. */
	loadUpdates(meetingId: string): Promise<Uint8Array[]>;
	/** Durably appends one Yjs update; resolves only once it is on disk (or committed). */
	appendUpdate(meetingId: string, update: Uint8Array): Promise<void>;
	/** Number of log entries since the last snapshot (the server compacts past a threshold). */
	countUpdates(meetingId: string): Promise<number>;
	/**
	 * Replaces the snapshot and the log entries it covers by one snapshot, built by
	 * applying them into a Y.Doc (never Y.mergeUpdates: quadratic). Entries appended
	 * concurrently are kept. Safe when two processes compact the same meeting at once.
	 */
	compact(meetingId: string): Promise<void>;

	// ---- who wrote under which Yjs client id (docs/security.md, "Client ids")

	/** The principal (invitation id) that first used each Yjs client id in the meeting. */
	loadClientOwners(meetingId: string): Promise<Map<number, string>>;
	/**
	 * Records `principal` as the owner of each of `clients` that nobody owns yet, atomically
	 * per id (the first claim wins, across every instance), and returns the owner of each id.
	 */
	claimClients(meetingId: string, clients: readonly number[], principal: string): Promise<Map<number, string>>;

	// ---- minutes approval and versions (docs/minutes.md)

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
