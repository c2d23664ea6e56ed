/**
 * The contract every file store (FileCatalog + BlobStore behind FileService) meets: the
 * data directory with SQLite, and PostgreSQL. Run by storage-sqlite.test.ts and
 * storage-postgres.test.ts.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { newMeetingId } from '../../server/auth/tokens.ts';
import { type FileService, type ReadListings, UploadRefused } from '../../server/files/service.ts';
import { addAttachment, addItem, initMeeting, removeAttachment, replaceAttachment } from '../../src/lib/meeting/index.ts';
import { attachmentBytes } from '../../src/lib/meeting/attachments.ts';

export interface FileStoreFactory {
	/** A fresh, initialised store with these limits, reading the meetings' documents through `listings`. */
	create(limits: { maxFileBytes: number; maxMeetingBytes: number }, listings: ReadListings): Promise<FileService>;
	/** A second service over the same store (another instance), when the store can be shared. */
	second?(): Promise<FileService>;
	/** Closes everything create/second opened. */
	cleanup(): Promise<void>;
}

const LIMITS = { maxFileBytes: 4 * 1024 * 1024, maxMeetingBytes: 6 * 1024 * 1024 };

/** A PDF-looking file of `size` bytes: the magic, then random bytes. */
export function pdfBytes(size: number): Buffer {
	const bytes = randomBytes(size);
	Buffer.from('%PDF-1.7\n').copy(bytes);
	return bytes;
}

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The meetings' documents as the tests write them; the server reads its stored ones the same way. */
const documents = new Map<string, Y.Doc>();
/** Called on every read of a document (a test waits on it to know where the service got to). */
let onRead: () => void = () => {};
const listings: ReadListings = async (meetingId) => {
	onRead();
	const doc = documents.get(meetingId);
	return doc ? attachmentBytes(doc) : [];
};

function meetingDocument(meetingId: string): { doc: Y.Doc; itemId: string } {
	const doc = new Y.Doc();
	initMeeting(doc, { title: 'Nämnd' });
	documents.set(meetingId, doc);
	return { doc, itemId: addItem(doc, { title: 'Budget 2027' }) };
}

/** The bytes in pieces of `piece`, as a request body arrives. */
async function* pieces(bytes: Buffer, piece = 64 * 1024): AsyncIterable<Uint8Array> {
	for (let at = 0; at < bytes.length; at += piece) yield bytes.subarray(at, at + piece);
}

/** A body that breaks after `cut` bytes, like a request whose network went away. */
async function* broken(bytes: Buffer, cut: number): AsyncIterable<Uint8Array> {
	yield* pieces(bytes.subarray(0, cut));
	throw Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<{ bytes: Buffer; chunks: number; largest: number }> {
	const parts: Uint8Array[] = [];
	let largest = 0;
	for await (const chunk of source) {
		parts.push(chunk);
		largest = Math.max(largest, chunk.byteLength);
	}
	return { bytes: Buffer.concat(parts), chunks: parts.length, largest };
}

async function refusal(promise: Promise<unknown>): Promise<UploadRefused> {
	const error = await promise.then(
		() => null,
		(e: unknown) => e
	);
	expect(error).toBeInstanceOf(UploadRefused);
	return error as UploadRefused;
}

export function fileStoreContract(name: string, factory: FileStoreFactory): void {
	describe(`file store contract: ${name}`, () => {
		afterEach(async () => {
			await factory.cleanup();
			onRead = () => {};
			for (const doc of documents.values()) doc.destroy();
			documents.clear();
		});

		async function upload(files: FileService, meetingId: string, bytes: Buffer, type = 'application/pdf') {
			const started = await files.start({ meetingId, name: 'Underlag.pdf', type, size: bytes.length, invitationId: 'inv' });
			await files.receive(meetingId, started.id, 0, pieces(bytes));
			return files.finish(meetingId, started.id);
		}

		it('stores a file by the SHA-256 of its bytes and streams it back in pieces', async () => {
			const files = await factory.create(LIMITS, listings);
			const meetingId = newMeetingId();
			const bytes = pdfBytes(3 * 1024 * 1024 + 17);
			const file = await upload(files, meetingId, bytes);
			expect(file).toEqual({ meetingId, sha256: sha(bytes), size: bytes.length, type: 'application/pdf' });
			expect(await files.file(meetingId, file.sha256)).toEqual(file);
			expect(await files.blobs.size(file.sha256)).toBe(bytes.length);
			const read = await collect(files.blobs.read(file.sha256));
			expect(sha(read.bytes)).toBe(file.sha256);
			// Streamed: never the whole file as one piece.
			expect(read.chunks).toBeGreaterThan(1);
			expect(read.largest).toBeLessThanOrEqual(1024 * 1024);
			expect(await files.catalog.bytesInUse(meetingId)).toBe(bytes.length);
		});

		it('keeps what arrived of an interrupted upload, says where to resume, and finishes after the rest', async () => {
			const files = await factory.create(LIMITS, listings);
			const meetingId = newMeetingId();
			const bytes = pdfBytes(1024 * 1024);
			const started = await files.start({ meetingId, name: 'Budget.pdf', type: 'application/pdf', size: bytes.length, invitationId: null });
			await expect(files.receive(meetingId, started.id, 0, broken(bytes, 600 * 1024))).rejects.toThrow(/aborted/);
			const { offset } = await files.status(meetingId, started.id);
			expect(offset).toBeGreaterThan(0);
			expect(offset).toBeLessThanOrEqual(600 * 1024);
			// Not finished, not a file yet.
			expect((await refusal(files.finish(meetingId, started.id))).code).toBe('incomplete');
			expect(await files.file(meetingId, sha(bytes))).toBeNull();
			// A resume from the wrong place is refused with the right one.
			const wrong = await refusal(files.receive(meetingId, started.id, 0, pieces(bytes)));
			expect([wrong.code, wrong.detail.offset]).toEqual(['offset-mismatch', offset]);
			await files.receive(meetingId, started.id, offset, pieces(bytes.subarray(offset)));
			const file = await files.finish(meetingId, started.id);
			expect(file.sha256).toBe(sha(bytes));
			expect(sha((await collect(files.blobs.read(file.sha256))).bytes)).toBe(sha(bytes));
			expect((await refusal(files.status(meetingId, started.id))).code).toBe('not-found');
		});

		it('refuses a file too large or a meeting too full before any byte, and more bytes than declared after: nothing half-stored', async () => {
			const files = await factory.create(LIMITS, listings);
			const meetingId = newMeetingId();
			const tooLarge = await refusal(files.start({ meetingId, name: 'Stor.pdf', type: 'application/pdf', size: LIMITS.maxFileBytes + 1, invitationId: null }));
			expect([tooLarge.code, tooLarge.status, tooLarge.detail.limit]).toEqual(['file-too-large', 413, LIMITS.maxFileBytes]);
			await upload(files, meetingId, pdfBytes(4 * 1024 * 1024));
			const full = await refusal(files.start({ meetingId, name: 'Mer.pdf', type: 'application/pdf', size: 3 * 1024 * 1024, invitationId: null }));
			expect(full.code).toBe('meeting-full');
			// Declares little, sends more: the upload and its staged bytes are gone.
			const liar = await files.start({ meetingId, name: 'Liten.pdf', type: 'application/pdf', size: 1000, invitationId: null });
			expect((await refusal(files.receive(meetingId, liar.id, 0, pieces(pdfBytes(5000), 700)))).code).toBe('file-too-large');
			expect(await files.blobs.stagedLength(liar.id)).toBe(0);
			expect((await refusal(files.status(meetingId, liar.id))).code).toBe('not-found');
			expect(await files.catalog.bytesInUse(meetingId)).toBe(4 * 1024 * 1024);
		});

		it('refuses bytes that are not the declared type, and types it does not accept', async () => {
			const files = await factory.create(LIMITS, listings);
			const meetingId = newMeetingId();
			const script = Buffer.from('<script>alert(1)</script>'.padEnd(100, ' '));
			const started = await files.start({ meetingId, name: 'x.pdf', type: 'application/pdf', size: script.length, invitationId: null });
			await files.receive(meetingId, started.id, 0, pieces(script));
			expect((await refusal(files.finish(meetingId, started.id))).code).toBe('content-mismatch');
			expect(await files.blobs.stagedLength(started.id)).toBe(0);
			expect(await files.catalog.bytesInUse(meetingId)).toBe(0);
			expect((await refusal(files.start({ meetingId, name: 'x.svg', type: 'image/svg+xml', size: 10, invitationId: null }))).code).toBe('type-not-accepted');
		});

		it('keeps one blob for the same bytes in two meetings, and removes it with the last meeting that holds it', async () => {
			const files = await factory.create(LIMITS, listings);
			const [a, b] = [newMeetingId(), newMeetingId()];
			const bytes = pdfBytes(300 * 1024);
			const first = await upload(files, a, bytes);
			const second = await upload(files, b, bytes);
			expect(second.sha256).toBe(first.sha256);
			expect(await files.releaseMeeting(a)).toBe(0);
			expect(await files.file(a, first.sha256)).toBeNull();
			expect(await files.blobs.size(first.sha256)).toBe(bytes.length);
			expect(await files.releaseMeeting(b)).toBe(1);
			expect(await files.blobs.size(first.sha256)).toBeNull();
		});

		it('lets go of files removed from the document: they stop counting, their blob goes unless another meeting holds it', async () => {
			const files = await factory.create({ maxFileBytes: 600 * 1024, maxMeetingBytes: 1000 * 1024 }, listings);
			const [a, b] = [newMeetingId(), newMeetingId()];
			const { doc, itemId } = meetingDocument(a);
			const listed = (bytes: Buffer) => addAttachment(doc, itemId, { name: 'Underlag.pdf', sha256: sha(bytes), size: bytes.length, type: 'application/pdf' });
			const shared = pdfBytes(400 * 1024);
			const own = pdfBytes(100 * 1024);
			const unlisted = pdfBytes(300 * 1024);
			const [first, second] = [pdfBytes(50 * 1024), pdfBytes(60 * 1024)];
			for (const bytes of [shared, own, unlisted, first, second]) await upload(files, a, bytes);
			await upload(files, b, shared);
			const sharedEntry = listed(shared);
			const ownEntry = listed(own);
			// A replaced version is still served, so it still counts.
			replaceAttachment(doc, listed(first), { name: 'Underlag v2.pdf', sha256: sha(second), size: second.length, type: 'application/pdf' });
			const full = await refusal(files.start({ meetingId: a, name: 'Mer.pdf', type: 'application/pdf', size: 200 * 1024, invitationId: null }));
			expect(full.code).toBe('meeting-full');

			removeAttachment(doc, sharedEntry);
			removeAttachment(doc, ownEntry);
			await files.start({ meetingId: a, name: 'Mer.pdf', type: 'application/pdf', size: 200 * 1024, invitationId: null });
			expect(await files.catalog.bytesInUse(a)).toBe((300 + 50 + 60 + 200) * 1024);
			expect(await files.file(a, sha(shared))).toBeNull();
			expect(await files.file(a, sha(own))).toBeNull();
			expect(await files.file(a, sha(unlisted))).not.toBeNull();
			expect(await files.file(a, sha(first))).not.toBeNull();
			// The other meeting's copy of the same bytes stays; bytes nobody holds go.
			expect(await files.file(b, sha(shared))).not.toBeNull();
			expect(await files.blobs.size(sha(shared))).toBe(shared.length);
			expect(await files.blobs.size(sha(own))).toBeNull();
			expect(await files.reclaim(a)).toBe(0);
		});

		it('keeps the same bytes uploaded again after their removal until the new listing is removed too', async () => {
			const files = await factory.create(LIMITS, listings);
			const meetingId = newMeetingId();
			const { doc, itemId } = meetingDocument(meetingId);
			const bytes = pdfBytes(2000);
			const input = { name: 'Protokoll.pdf', sha256: sha(bytes), size: bytes.length, type: 'application/pdf' };
			await upload(files, meetingId, bytes);
			removeAttachment(doc, addAttachment(doc, itemId, input));
			expect(await files.reclaim(meetingId)).toBe(1);
			expect(await files.blobs.size(sha(bytes))).toBeNull();
			// Uploaded again while only the removed entry names them: not listed yet, so kept and counted.
			await upload(files, meetingId, bytes);
			expect(await files.reclaim(meetingId)).toBe(0);
			expect(await files.catalog.bytesInUse(meetingId)).toBe(bytes.length);
			const again = addAttachment(doc, itemId, input);
			expect(await files.reclaim(meetingId)).toBe(0);
			expect(await files.blobs.size(sha(bytes))).toBe(bytes.length);
			removeAttachment(doc, again);
			expect(await files.sweep(async () => false)).toEqual({ meetings: 0, reclaimed: 1, uploads: 0 });
			expect(await files.catalog.bytesInUse(meetingId)).toBe(0);
			expect(await files.blobs.size(sha(bytes))).toBeNull();
		});

		it('checks the document again under the hash lock: a file listed again meanwhile keeps its bytes', async () => {
			const files = await factory.create(LIMITS, listings);
			const meetingId = newMeetingId();
			const { doc, itemId } = meetingDocument(meetingId);
			const bytes = pdfBytes(3000);
			await upload(files, meetingId, bytes);
			const id = addAttachment(doc, itemId, { name: 'Yttrande.pdf', sha256: sha(bytes), size: bytes.length, type: 'application/pdf' });
			removeAttachment(doc, id);
			let release!: () => void;
			const held = new Promise<void>((resolve) => (release = resolve));
			let locked!: () => void;
			const lockTaken = new Promise<void>((resolve) => (locked = resolve));
			const holder = files.catalog.withHashLock(sha(bytes), async () => {
				locked();
				await held;
			});
			await lockTaken;
			const firstRead = new Promise<void>((resolve) => (onRead = resolve));
			const reclaiming = files.reclaim(meetingId);
			// It has seen the removal and now waits for the lock; meanwhile the entry is listed again,
			// as a concurrent edit from a device that was offline at the removal does when it wins.
			await firstRead;
			const entry = doc.getMap('attachments').get(id) as Record<string, unknown>;
			doc.getMap('attachments').set(id, { ...entry, deletedAt: null });
			release();
			await holder;
			expect(await reclaiming).toBe(0);
			expect(await files.file(meetingId, sha(bytes))).not.toBeNull();
			expect(await files.blobs.size(sha(bytes))).toBe(bytes.length);
		});

		it('sweeps the files of deleted meetings, abandoned uploads and expired sessions', async () => {
			const files = await factory.create(LIMITS, listings);
			const [gone, kept] = [newMeetingId(), newMeetingId()];
			const goneFile = await upload(files, gone, pdfBytes(1000));
			const keptFile = await upload(files, kept, pdfBytes(1000));
			const abandoned = await files.start({ meetingId: kept, name: 'Halv.pdf', type: 'application/pdf', size: 5000, invitationId: null });
			await files.receive(kept, abandoned.id, 0, pieces(pdfBytes(2000)));
			await files.catalog.addSession('a'.repeat(64), { meetingId: kept, tokenHash: 'b'.repeat(64), expiresAt: new Date(Date.now() + 60_000).toISOString() });
			expect(await files.catalog.findSession('a'.repeat(64))).toMatchObject({ meetingId: kept });
			const later = new Date(Date.now() + 25 * 60 * 60 * 1000);
			expect(await files.sweep(async (id) => id === gone, later)).toEqual({ meetings: 1, reclaimed: 0, uploads: 1 });
			expect(await files.blobs.size(goneFile.sha256)).toBeNull();
			expect(await files.blobs.size(keptFile.sha256)).toBe(1000);
			expect(await files.blobs.stagedLength(abandoned.id)).toBe(0);
			expect(await files.catalog.bytesInUse(kept)).toBe(1000);
		});

		it.runIf(factory.second !== undefined)('lets another instance resume an upload, and never two writers at once', async () => {
			const one = await factory.create(LIMITS, listings);
			const two = await factory.second!();
			const meetingId = newMeetingId();
			const bytes = pdfBytes(800 * 1024);
			const started = await one.start({ meetingId, name: 'Delad.pdf', type: 'application/pdf', size: bytes.length, invitationId: null });
			await one.receive(meetingId, started.id, 0, pieces(bytes.subarray(0, 300 * 1024)));
			const offset = (await two.status(meetingId, started.id)).offset;
			expect(offset).toBe(300 * 1024);
			const results = await Promise.allSettled([
				one.receive(meetingId, started.id, offset, pieces(bytes.subarray(offset))),
				two.receive(meetingId, started.id, offset, pieces(bytes.subarray(offset)))
			]);
			expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
			const file = await two.finish(meetingId, started.id);
			expect(file.sha256).toBe(sha(bytes));
			expect(sha((await collect(one.blobs.read(file.sha256))).bytes)).toBe(sha(bytes));
		});
	});
}
