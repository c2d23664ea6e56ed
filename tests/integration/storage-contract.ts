/**
 * The MeetingStorage contract as a reusable suite: every adapter (SQLite now,
 * PostgreSQL later) calls `storageContract(name, factory)` from its own test file.
 * The factory returns a fresh, initialised storage; `second` (optional) returns
 * another handle on the SAME database, to test what two processes do at once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { hashToken, newMeetingId, newToken } from '../../server/auth/tokens.ts';
import { batchedDocuments } from '../../server/storage/batched-appends.ts';
import type { MeetingStorage } from '../../server/storage/types.ts';

export interface StorageFactory {
	/** A fresh, initialised, empty storage. */
	create(): Promise<MeetingStorage>;
	/** Another initialised handle on the same database as the last `create()`, if the engine has one. */
	second?(): Promise<MeetingStorage>;
}

/** Makes `count` small updates on one doc, as a typing client would, and returns them with the final text. */
function typing(count: number, clientID = 1): { updates: Uint8Array[]; text: string } {
	const doc = new Y.Doc();
	doc.clientID = clientID;
	const updates: Uint8Array[] = [];
	doc.on('update', (update: Uint8Array) => updates.push(update));
	const text = doc.getText('notes');
	for (let i = 0; i < count; i++) text.insert(text.length, String.fromCharCode(97 + (i % 26)));
	const result = { updates, text: text.toString() };
	doc.destroy();
	return result;
}

function textOf(updates: Uint8Array[]): string {
	const doc = new Y.Doc();
	for (const update of updates) Y.applyUpdate(doc, update);
	const text = doc.getText('notes').toString();
	doc.destroy();
	return text;
}

export function storageContract(name: string, factory: StorageFactory): void {
	describe(`MeetingStorage contract: ${name}`, () => {
		const opened: MeetingStorage[] = [];
		async function open(): Promise<MeetingStorage> {
			const storage = await factory.create();
			opened.push(storage);
			return storage;
		}
		async function openSecond(): Promise<MeetingStorage | null> {
			if (!factory.second) return null;
			const storage = await factory.second();
			opened.push(storage);
			return storage;
		}
		async function meeting(storage: MeetingStorage, title = 'Ledningsgrupp'): Promise<string> {
			const id = newMeetingId();
			await storage.meetings.createMeeting({ id, title });
			return id;
		}

		afterEach(async () => {
			while (opened.length) await opened.pop()!.close();
		});

		it('creates and reads a meeting', async () => {
			const storage = await open();
			const id = newMeetingId();
			const created = await storage.meetings.createMeeting({ id, title: 'Samverkansgrupp, juni' });
			expect(created).toMatchObject({ id, title: 'Samverkansgrupp, juni', epoch: 1, frozenAt: null, deletedAt: null });
			expect(Number.isNaN(Date.parse(created.createdAt))).toBe(false);
			expect(await storage.meetings.getMeeting(id)).toEqual(created);
			expect(await storage.meetings.getMeeting(newMeetingId())).toBeNull();
		});

		it('refuses a second meeting with the same id', async () => {
			const storage = await open();
			const id = await meeting(storage);
			await expect(storage.meetings.createMeeting({ id, title: 'Again' })).rejects.toThrow();
		});

		it('finds a token by its hash only', async () => {
			const storage = await open();
			const id = await meeting(storage);
			const token = newToken();
			await storage.tokens.addToken(hashToken(token), { meetingId: id, role: 'organiser', label: 'Sekreterare' });
			expect(await storage.tokens.findToken(hashToken(token))).toMatchObject({
				meetingId: id,
				role: 'organiser',
				label: 'Sekreterare',
				revokedAt: null
			});
			expect(await storage.tokens.findToken(hashToken(newToken()))).toBeNull();
			expect(await storage.tokens.findToken(token)).toBeNull();
		});

		it('appends and loads updates in order', async () => {
			const storage = await open();
			const id = await meeting(storage);
			const other = await meeting(storage);
			const { updates, text } = typing(30);
			for (const update of updates) await storage.docs.appendUpdate(id, update);
			await storage.docs.appendUpdate(other, typing(3, 2).updates[0]);

			const loaded = await storage.docs.loadUpdates(id);
			expect(loaded).toHaveLength(30);
			loaded.forEach((update, i) => expect(Array.from(update)).toEqual(Array.from(updates[i])));
			expect(textOf(loaded)).toBe(text);
			expect(await storage.docs.countUpdates(id)).toBe(30);
			expect(await storage.docs.loadUpdates(newMeetingId())).toEqual([]);
		});

		it('appends several updates in one transaction, each stored or refused on its own, through the batching wrapper too', async () => {
			const storage = await open();
			const id = await meeting(storage);
			const other = await meeting(storage);
			const deleted = await meeting(storage);
			await storage.meetings.deleteMeeting(deleted);
			const { updates, text } = typing(6);
			const otherUpdate = typing(1, 2).updates[0];
			const results = await storage.docs.appendUpdates([
				{ meetingId: id, update: updates[0] },
				{ meetingId: deleted, update: updates[1] },
				{ meetingId: other, update: otherUpdate },
				{ meetingId: id, update: updates[1] }
			]);
			expect(results.map((result) => result?.message ?? null)).toEqual([null, expect.stringMatching(/deleted/), null, null]);
			expect(await storage.docs.countUpdates(id)).toBe(2);
			expect(await storage.docs.loadUpdates(deleted)).toEqual([]);

			// Calls of one event-loop turn share a batch; each promise settles as a lone append would.
			const batched = batchedDocuments(storage.docs);
			const settled = await Promise.allSettled([
				...updates.slice(2).map((update) => batched.appendUpdate(id, update)),
				batched.appendUpdate(deleted, updates[2])
			]);
			expect(settled.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
			expect(textOf(await storage.docs.loadUpdates(id))).toBe(text);
			expect(await storage.docs.loadUpdates(other)).toHaveLength(1);
		});

		it('compaction keeps the content and empties the log', async () => {
			const storage = await open();
			const id = await meeting(storage);
			const { updates, text } = typing(200);
			for (const update of updates.slice(0, 120)) await storage.docs.appendUpdate(id, update);
			await storage.docs.compact(id);
			expect(await storage.docs.countUpdates(id)).toBe(0);
			expect(await storage.docs.loadUpdates(id)).toHaveLength(1);

			for (const update of updates.slice(120)) await storage.docs.appendUpdate(id, update);
			expect(await storage.docs.countUpdates(id)).toBe(80);
			expect(textOf(await storage.docs.loadUpdates(id))).toBe(text);

			await storage.docs.compact(id);
			const loaded = await storage.docs.loadUpdates(id);
			expect(loaded).toHaveLength(1);
			expect(textOf(loaded)).toBe(text);
		});

		it('compacting an empty or unknown meeting changes nothing', async () => {
			const storage = await open();
			const id = await meeting(storage);
			await storage.docs.compact(id);
			await storage.docs.compact(newMeetingId());
			expect(await storage.docs.loadUpdates(id)).toEqual([]);
		});

		it('keeps appends that race with compactions', async () => {
			const storage = await open();
			const second = (await openSecond()) ?? storage;
			const id = await meeting(storage);
			const a = typing(100, 1);
			const b = typing(100, 2);
			for (const update of a.updates.slice(0, 50)) await storage.docs.appendUpdate(id, update);

			await Promise.all([
				storage.docs.compact(id),
				...a.updates.slice(50).map((update) => storage.docs.appendUpdate(id, update)),
				second.docs.compact(id),
				...b.updates.map((update) => second.docs.appendUpdate(id, update)),
				storage.docs.compact(id)
			]);
			await second.docs.compact(id);

			const doc = new Y.Doc();
			for (const update of await storage.docs.loadUpdates(id)) Y.applyUpdate(doc, update);
			const expected = new Y.Doc();
			for (const update of [...a.updates, ...b.updates]) Y.applyUpdate(expected, update);
			expect(doc.getText('notes').toString()).toBe(expected.getText('notes').toString());
			expect(doc.getText('notes').length).toBe(200);
		});

		// How fast is bench:storage's question (a quadratic compaction shows there); this one is whether a long log survives compaction whole.
		it('stores a long log and compacts it into one snapshot holding every update', async () => {
			const storage = await open();
			const id = await meeting(storage);
			const { updates, text } = typing(2000);
			for (const update of updates) await storage.docs.appendUpdate(id, update);
			await storage.docs.compact(id);
			expect(await storage.docs.countUpdates(id)).toBe(0);
			expect(textOf(await storage.docs.loadUpdates(id))).toBe(text);
		});

		it('deletes a meeting: marked, its document dropped, later appends refused (also through another handle)', async () => {
			const storage = await open();
			const second = (await openSecond()) ?? storage;
			const id = await meeting(storage);
			const kept = await meeting(storage);
			const { updates } = typing(20);
			for (const update of updates.slice(0, 10)) await storage.docs.appendUpdate(id, update);
			await storage.docs.compact(id);
			for (const update of updates.slice(10, 15)) await storage.docs.appendUpdate(id, update);
			await storage.docs.appendUpdate(kept, updates[0]);

			expect(await storage.meetings.deleteMeeting(id)).toBe(true);
			const deleted = await second.meetings.getMeeting(id);
			expect(deleted).toMatchObject({ id, epoch: 1, frozenAt: null });
			expect(Number.isNaN(Date.parse(deleted!.deletedAt ?? ''))).toBe(false);
			expect(await second.docs.loadUpdates(id)).toEqual([]);
			expect(await second.docs.countUpdates(id)).toBe(0);
			await expect(second.docs.appendUpdate(id, updates[15])).rejects.toThrow(/deleted/);
			expect(await storage.docs.loadUpdates(id)).toEqual([]);

			// Twice, or an unknown meeting: nothing to delete.
			expect(await second.meetings.deleteMeeting(id)).toBe(false);
			expect(await storage.meetings.deleteMeeting(newMeetingId())).toBe(false);
			expect(await storage.meetings.getMeeting(newMeetingId())).toBeNull();
			// Other meetings are untouched.
			expect(await storage.docs.loadUpdates(kept)).toHaveLength(1);
			expect((await storage.meetings.getMeeting(kept))?.deletedAt).toBeNull();
		});

		it('keeps the confidential part apart: its own log, compacted alone, frozen and deleted with the meeting', async () => {
			const storage = await open();
			const id = await meeting(storage);
			const frozen = await meeting(storage);
			const main = typing(10, 1);
			const part = typing(30, 2);
			for (const update of main.updates) await storage.docs.appendUpdate(id, update);
			for (const update of part.updates) await storage.confidential.appendUpdate(id, update);
			expect(textOf(await storage.docs.loadUpdates(id))).toBe(main.text);
			expect(textOf(await storage.confidential.loadUpdates(id))).toBe(part.text);
			await storage.confidential.compact(id);
			expect(await storage.confidential.countUpdates(id)).toBe(0);
			expect(await storage.docs.countUpdates(id)).toBe(10);
			expect(textOf(await storage.confidential.loadUpdates(id))).toBe(part.text);
			await storage.confidential.appendUpdate(frozen, part.updates[0]);
			await storage.minutes.freezeMeeting(frozen, new Date().toISOString());
			await expect(storage.confidential.appendUpdate(frozen, part.updates[1])).rejects.toThrow(/frozen/);

			expect(await storage.meetings.deleteMeeting(id)).toBe(true);
			expect(await storage.confidential.loadUpdates(id)).toEqual([]);
			await expect(storage.confidential.appendUpdate(id, part.updates[0])).rejects.toThrow(/deleted/);
			expect(await storage.confidential.loadUpdates(frozen)).toHaveLength(1);
		});

		it('does not delete a meeting whose minutes are approved', async () => {
			const storage = await open();
			const id = await meeting(storage);
			const { updates, text } = typing(5);
			for (const update of updates) await storage.docs.appendUpdate(id, update);
			const approvedAt = new Date().toISOString();
			await storage.minutes.sealMinutes({ meetingId: id, format: 'f/1', fingerprint: 'a'.repeat(64), stateHash: 'b'.repeat(64), approvedAt, approvers: [] });
			expect(await storage.meetings.deleteMeeting(id)).toBe(false);
			expect((await storage.meetings.getMeeting(id))?.deletedAt).toBeNull();
			expect(textOf(await storage.docs.loadUpdates(id))).toBe(text);
		});

		it('keeps data across close and reopen', async () => {
			if (!factory.second) return;
			const storage = await open();
			const id = await meeting(storage);
			const { updates, text } = typing(10);
			for (const update of updates) await storage.docs.appendUpdate(id, update);
			await storage.close();
			opened.splice(opened.indexOf(storage), 1);
			const reopened = (await openSecond())!;
			expect(textOf(await reopened.docs.loadUpdates(id))).toBe(text);
			expect(await reopened.meetings.getMeeting(id)).toMatchObject({ id });
		});
	});
}
