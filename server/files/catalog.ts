/**
 * The catalog of handlingar on the server: which blobs each meeting holds (for access and
 * the per-meeting limit), uploads in progress (for resuming them), and the short-lived file
 * sessions behind the download cookie. Bytes are the BlobStore's; what describes each file
 * to people (name, item, order, versions) is the meeting document's.
 *
 * Implementations: `SqliteFileCatalog` and `PostgresFileCatalog`; contract suite
 * tests/integration/file-store-contract.ts.
 */

export interface UploadRecord {
	id: string;
	meetingId: string;
	name: string;
	type: string;
	/** Declared size: the upload is complete when this many bytes are staged. */
	size: number;
	/** The invitation that started it (null for tokens without an id). */
	invitationId: string | null;
	createdAt: string;
}

export interface MeetingFile {
	meetingId: string;
	sha256: string;
	size: number;
	/** The type the bytes were checked against at upload. */
	type: string;
}

export interface FileSession {
	meetingId: string;
	/** The hash of the token that opened it: revoking the invitation ends the session too. */
	tokenHash: string;
	expiresAt: string;
}

export interface FileCatalog {
	init(): Promise<void>;
	close(): Promise<void>;

	createUpload(upload: Omit<UploadRecord, 'createdAt'>): Promise<UploadRecord>;
	getUpload(id: string): Promise<UploadRecord | null>;
	deleteUpload(id: string): Promise<void>;
	/** Uploads started before `before` (ISO time): abandoned, their staged bytes can go. */
	staleUploads(before: string): Promise<UploadRecord[]>;

	/**
	 * Records that the meeting holds the blob, and how many entries of its document named
	 * these bytes as they were uploaded (a repeat upload records the new count).
	 */
	addFile(file: MeetingFile, entriesAtUpload: number): Promise<void>;
	getFile(meetingId: string, sha256: string): Promise<MeetingFile | null>;
	/** The meeting's files with the entries that named each when it was last uploaded. */
	heldFiles(meetingId: string): Promise<(MeetingFile & { entriesAtUpload: number })[]>;
	/**
	 * Forgets the meeting's file unless it was last uploaded when `entriesNow` or more entries
	 * already named its bytes (an upload not listed since); says whether it did. Callers hold
	 * the hash's lock.
	 */
	forgetFile(meetingId: string, sha256: string, entriesNow: number): Promise<boolean>;
	/** Bytes the meeting's files take plus the declared sizes of its uploads in progress. */
	bytesInUse(meetingId: string): Promise<number>;
	/** Meetings holding files or uploads (for the sweep of deleted meetings). */
	meetingsWithFiles(): Promise<string[]>;
	/**
	 * Forgets the meeting's files and uploads; returns the hashes it held and the uploads it
	 * had, so the caller can remove blobs no other meeting holds and discard the staging.
	 */
	releaseMeeting(meetingId: string): Promise<{ hashes: string[]; uploads: string[] }>;
	/** Whether any meeting holds the blob. */
	isHeld(sha256: string): Promise<boolean>;
	/**
	 * Runs `work` while no other caller (in any instance) runs work under the same hash: keeps
	 * "is this blob still held? then delete it" apart from "store it and record it".
	 */
	withHashLock<T>(sha256: string, work: () => Promise<T>): Promise<T>;

	addSession(hash: string, session: FileSession): Promise<void>;
	/** The session if it exists and has not expired. */
	findSession(hash: string): Promise<FileSession | null>;
	deleteExpiredSessions(now: string): Promise<void>;
}

/** One async lock per key within this process. */
export class KeyedLock {
	readonly #tails = new Map<string, Promise<void>>();

	async run<T>(key: string, work: () => Promise<T>): Promise<T> {
		const before = this.#tails.get(key) ?? Promise.resolve();
		let release!: () => void;
		const mine = new Promise<void>((resolve) => (release = resolve));
		const tail = before.then(() => mine);
		this.#tails.set(key, tail);
		await before;
		try {
			return await work();
		} finally {
			release();
			if (this.#tails.get(key) === tail) this.#tails.delete(key);
		}
	}
}
