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
}

export interface MeetingStorage {
	/** Runs migrations; must be called before anything else. */
	init(): Promise<void>;
	close(): Promise<void>;

	createMeeting(meeting: Pick<MeetingRecord, 'id' | 'title'>): Promise<MeetingRecord>;
	getMeeting(id: string): Promise<MeetingRecord | null>;

	/** Stores a token by its hash (SHA-256 hex); the raw token never reaches storage. */
	addToken(tokenHash: string, token: Omit<TokenRecord, 'createdAt' | 'revokedAt'>): Promise<void>;
	findToken(tokenHash: string): Promise<TokenRecord | null>;

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
}
