/**
 * Handlingar on the server: uploads (started, received in one or more pieces, resumed,
 * finished or given up), the per-file and per-meeting limits, and the bytes of a meeting's
 * files. Thin over a FileCatalog and a BlobStore; HTTP is routes.ts.
 *
 * Nothing half-stored: bytes wait in the blob store's staging until every declared byte is
 * there and their first bytes fit the declared type; only then do they become a blob and
 * the meeting's file. A refused or abandoned upload's staging is discarded.
 */
import { createHash, randomBytes } from 'node:crypto';
import { MAGIC_BYTES, fileType, matchesType, cleanFileName, type UploadError } from '../../src/lib/protocol/files.ts';
import { BlobLimitError, BlobOffsetError, type BlobStore } from './blob-store.ts';
import { type FileCatalog, KeyedLock, type MeetingFile, type UploadRecord } from './catalog.ts';

export interface FileLimits {
	maxFileBytes: number;
	maxMeetingBytes: number;
}

/** An upload refused for a reason the interface explains (src/lib/protocol/files.ts). */
export class UploadRefused extends Error {
	constructor(
		readonly code: UploadError,
		readonly status: number,
		message: string,
		readonly detail: Record<string, number> = {}
	) {
		super(message);
	}
}

/**
 * Which bytes the meeting's document names, entry by entry, and whether each entry is
 * removed (src/lib/meeting/attachments.ts attachmentBytes): read from the stored document,
 * which holds every update before anyone sees it. Nothing when the meeting has no document.
 */
export type ReadListings = (meetingId: string) => Promise<readonly { sha256: string; removed: boolean }[]>;

/** Per hash: how many entries name it, and whether any of them is still listed (current or replaced). */
function tally(listings: readonly { sha256: string; removed: boolean }[]): Map<string, { entries: number; live: boolean }> {
	const byHash = new Map<string, { entries: number; live: boolean }>();
	for (const { sha256, removed } of listings) {
		const seen = byHash.get(sha256) ?? { entries: 0, live: false };
		byHash.set(sha256, { entries: seen.entries + 1, live: seen.live || !removed });
	}
	return byHash;
}

/**
 * The meeting has let go of a file when its document names the bytes only in removed entries,
 * and in more entries than when they were last uploaded: bytes uploaded and not listed yet
 * (none named them, or only removed entries from before) keep counting.
 */
function letGo(named: { entries: number; live: boolean } | undefined, entriesAtUpload: number): boolean {
	return named !== undefined && !named.live && named.entries > entriesAtUpload;
}

/** Uploads not finished within this are abandoned and their bytes discarded. */
export const UPLOAD_LIFETIME_MS = 24 * 60 * 60 * 1000;

export interface StartUpload {
	meetingId: string;
	name: string;
	type: string;
	size: number;
	invitationId: string | null;
}

export class FileService {
	readonly catalog: FileCatalog;
	readonly blobs: BlobStore;
	readonly limits: FileLimits;
	readonly #listings: ReadListings;
	/** One request at a time per upload in this process (across instances the blob store refuses a second writer). */
	readonly #uploadLock = new KeyedLock();

	constructor(catalog: FileCatalog, blobs: BlobStore, limits: FileLimits, listings: ReadListings) {
		this.catalog = catalog;
		this.blobs = blobs;
		this.limits = limits;
		this.#listings = listings;
	}

	async start(input: StartUpload): Promise<UploadRecord> {
		const name = cleanFileName(typeof input.name === 'string' ? input.name : '');
		if (!name) throw new UploadRefused('type-not-accepted', 400, 'name is required');
		if (!fileType(input.type)) throw new UploadRefused('type-not-accepted', 415, `type ${String(input.type)} is not accepted`);
		if (!Number.isSafeInteger(input.size) || input.size <= 0) throw new UploadRefused('incomplete', 400, 'size must be a positive byte count');
		if (input.size > this.limits.maxFileBytes) {
			throw new UploadRefused('file-too-large', 413, `a file may hold at most ${this.limits.maxFileBytes} bytes`, { limit: this.limits.maxFileBytes });
		}
		// Files removed since the last upload stop counting here, so the answer is about what is listed.
		await this.reclaim(input.meetingId);
		const used = await this.catalog.bytesInUse(input.meetingId);
		if (used + input.size > this.limits.maxMeetingBytes) {
			throw new UploadRefused('meeting-full', 413, `the meeting's files may hold at most ${this.limits.maxMeetingBytes} bytes`, {
				limit: this.limits.maxMeetingBytes,
				used
			});
		}
		return this.catalog.createUpload({ id: randomBytes(16).toString('base64url'), meetingId: input.meetingId, name, type: input.type, size: input.size, invitationId: input.invitationId });
	}

	async #upload(meetingId: string, uploadId: string): Promise<UploadRecord> {
		const upload = typeof uploadId === 'string' && /^[A-Za-z0-9_-]{22}$/.test(uploadId) ? await this.catalog.getUpload(uploadId) : null;
		if (!upload || upload.meetingId !== meetingId) throw new UploadRefused('not-found', 404, 'no such upload');
		return upload;
	}

	async status(meetingId: string, uploadId: string): Promise<{ offset: number; size: number }> {
		const upload = await this.#upload(meetingId, uploadId);
		return { offset: await this.blobs.stagedLength(upload.id), size: upload.size };
	}

	/**
	 * Receives bytes from `offset`. An interrupted body keeps what arrived (resume with
	 * `status`); bytes past the declared size discard the whole upload.
	 */
	receive(meetingId: string, uploadId: string, offset: number, body: AsyncIterable<Uint8Array>): Promise<{ offset: number; size: number }> {
		return this.#uploadLock.run(uploadId, async () => {
			const upload = await this.#upload(meetingId, uploadId);
			try {
				return { offset: await this.blobs.append(upload.id, offset, body, upload.size), size: upload.size };
			} catch (error) {
				if (error instanceof BlobOffsetError) {
					throw new UploadRefused('offset-mismatch', 409, `the upload continues at ${error.actual}`, { offset: error.actual });
				}
				if (error instanceof BlobLimitError) {
					await this.#discard(upload);
					throw new UploadRefused('file-too-large', 413, `more bytes than the ${upload.size} declared`, { limit: upload.size });
				}
				throw error;
			}
		});
	}

	/** Every byte is there: hash them, check them against the type, keep them as the meeting's file. */
	finish(meetingId: string, uploadId: string): Promise<MeetingFile> {
		return this.#uploadLock.run(uploadId, async () => {
			const upload = await this.#upload(meetingId, uploadId);
			const staged = await this.blobs.stagedLength(upload.id);
			if (staged !== upload.size) throw new UploadRefused('incomplete', 409, `${staged} of ${upload.size} bytes have arrived`, { offset: staged });
			const hash = createHash('sha256');
			const head: Uint8Array[] = [];
			let headBytes = 0;
			for await (const chunk of this.blobs.readStaged(upload.id)) {
				hash.update(chunk);
				if (headBytes < MAGIC_BYTES) {
					head.push(chunk.subarray(0, MAGIC_BYTES - headBytes));
					headBytes += Math.min(chunk.byteLength, MAGIC_BYTES - headBytes);
				}
			}
			if (!matchesType(upload.type, Buffer.concat(head))) {
				await this.#discard(upload);
				throw new UploadRefused('content-mismatch', 422, `the bytes are not a ${upload.type} file`);
			}
			const sha256 = hash.digest('hex');
			const file: MeetingFile = { meetingId, sha256, size: upload.size, type: upload.type };
			await this.catalog.withHashLock(sha256, async () => {
				await this.blobs.promote(upload.id, sha256);
				// Under the lock, so a reclaim of the same bytes sees this upload: it keeps counting until listed.
				const named = tally(await this.#listings(meetingId)).get(sha256);
				await this.catalog.addFile(file, named?.entries ?? 0);
			});
			await this.catalog.deleteUpload(upload.id);
			return file;
		});
	}

	async abort(meetingId: string, uploadId: string): Promise<void> {
		const upload = await this.#upload(meetingId, uploadId);
		await this.#uploadLock.run(uploadId, () => this.#discard(upload));
	}

	async #discard(upload: UploadRecord): Promise<void> {
		await this.blobs.discardStaged(upload.id);
		await this.catalog.deleteUpload(upload.id);
	}

	/** The meeting's file with these bytes, or null when the meeting holds none such. */
	async file(meetingId: string, sha256: string): Promise<MeetingFile | null> {
		return this.catalog.getFile(meetingId, sha256);
	}

	/** The meeting is deleted: its files go, and each blob no other meeting holds. Returns the blobs removed. */
	async releaseMeeting(meetingId: string): Promise<number> {
		const { hashes, uploads } = await this.catalog.releaseMeeting(meetingId);
		for (const id of uploads) await this.blobs.discardStaged(id);
		let removed = 0;
		for (const sha256 of hashes) {
			await this.catalog.withHashLock(sha256, async () => {
				if (await this.catalog.isHeld(sha256)) return;
				await this.blobs.delete(sha256);
				removed++;
			});
		}
		return removed;
	}

	/**
	 * Forgets the meeting's files its document has let go of (`letGo`) and removes each blob no
	 * other meeting holds. Each is checked again under its hash's lock against the document as
	 * stored then, so a version listed or uploaded meanwhile keeps its bytes. Returns how many
	 * files the meeting let go of.
	 */
	async reclaim(meetingId: string): Promise<number> {
		const held = await this.catalog.heldFiles(meetingId);
		if (held.length === 0) return 0;
		const named = tally(await this.#listings(meetingId));
		let forgotten = 0;
		for (const file of held) {
			if (!letGo(named.get(file.sha256), file.entriesAtUpload)) continue;
			await this.catalog.withHashLock(file.sha256, async () => {
				const now = tally(await this.#listings(meetingId)).get(file.sha256);
				if (!now || now.live || !(await this.catalog.forgetFile(meetingId, file.sha256, now.entries))) return;
				forgotten++;
				if (!(await this.catalog.isHeld(file.sha256))) await this.blobs.delete(file.sha256);
			});
		}
		return forgotten;
	}

	/**
	 * Housekeeping, at start and now and then: files of meetings deleted meanwhile (e.g. the
	 * process stopped between deleting a meeting and its files), files removed from meetings
	 * that have had no upload since, abandoned uploads, old sessions.
	 */
	async sweep(isDeleted: (meetingId: string) => Promise<boolean>, now = new Date()): Promise<{ meetings: number; reclaimed: number; uploads: number }> {
		let meetings = 0;
		let reclaimed = 0;
		for (const meetingId of await this.catalog.meetingsWithFiles()) {
			if (await isDeleted(meetingId)) {
				await this.releaseMeeting(meetingId);
				meetings++;
			} else {
				reclaimed += await this.reclaim(meetingId);
			}
		}
		const stale = await this.catalog.staleUploads(new Date(now.getTime() - UPLOAD_LIFETIME_MS).toISOString());
		for (const upload of stale) await this.#uploadLock.run(upload.id, () => this.#discard(upload));
		await this.catalog.deleteExpiredSessions(now.toISOString());
		return { meetings, reclaimed, uploads: stale.length };
	}
}
