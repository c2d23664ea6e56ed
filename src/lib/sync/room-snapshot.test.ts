import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { LocalStore, confidentialCopyId, meetingOfCopy, type LocalMeeting, type RoomSnapshot } from './local-store.ts';
import { SNAPSHOT_MAX_CHARS, SnapshotKeeper, type SnapshotKeeperOptions } from './room-snapshot.ts';
import { LOCAL_LOAD } from './session.ts';
import { removeFromDevice } from './meeting-list.ts';

let store: LocalStore;
let counter = 0;

function meeting(id: string): LocalMeeting {
	return { id, title: 'Nämnd', date: null, lastOpened: 1, epoch: 1, byteSize: 0, token: 't', role: 'member', frozenAt: null };
}

function view(meetingId: string, html = '<h1>Nämnd</h1>'): RoomSnapshot {
	return { meetingId, html, build: 'b1', lang: 'sv', title: 'Nämnd – Mötesrum', savedAt: 1 };
}

beforeEach(async () => {
	store = (await LocalStore.open(`motesrum-snapshot-test-${++counter}`))!;
});

afterEach(() => {
	vi.useRealTimers();
	store.close();
});

describe('LocalStore: the stored view of the room', () => {
	it('keeps a view only for a meeting in the device list', async () => {
		expect(await store.putSnapshot(view('m1'))).toBe(false);
		expect(await store.getSnapshot('m1')).toBeUndefined();
		await store.putMeeting(meeting('m1'));
		expect(await store.putSnapshot(view('m1'))).toBe(true);
		expect(await store.getSnapshot('m1')).toEqual(view('m1'));
	});

	it('goes wherever the copy goes: removal, discarding the document, discarding the confidential part', async () => {
		for (const id of ['a', 'b', 'c']) {
			await store.putMeeting(meeting(id));
			await store.appendUpdate(id, new Uint8Array([0, 0]));
			await store.putSnapshot(view(id));
		}
		await removeFromDevice('a', store);
		expect(await store.getSnapshot('a')).toBeUndefined();
		await store.clearDocument('b');
		expect(await store.getSnapshot('b')).toBeUndefined();
		// The part's copy dropped (the role lost confidential.read): the view, which may show it, goes too.
		await store.clearDocument(confidentialCopyId('c'));
		expect(await store.getSnapshot('c')).toBeUndefined();
		expect(meetingOfCopy(confidentialCopyId('c'))).toBe('c');
		expect(meetingOfCopy('c')).toBe('c');
	});

	it('clears every view at once (signing out, another language) and survives compaction', async () => {
		for (const id of ['a', 'b']) {
			await store.putMeeting(meeting(id));
			await store.appendUpdate(id, Y.encodeStateAsUpdate(new Y.Doc()));
			await store.appendUpdate(id, Y.encodeStateAsUpdate(new Y.Doc()));
			await store.putSnapshot(view(id));
		}
		await store.compact('a');
		expect(await store.getSnapshot('a')).toBeDefined();
		await store.clearSnapshots();
		expect(await store.getSnapshot('a')).toBeUndefined();
		expect(await store.getSnapshot('b')).toBeUndefined();
		expect(await store.getMeeting('a')).toBeDefined();
	});
});

function keeper(options: Partial<SnapshotKeeperOptions> & { docs?: Y.Doc[] } = {}) {
	const captures: string[] = [];
	let html = '<p>Punkt 1</p>';
	const created = new SnapshotKeeper({
		meetingId: 'm1',
		store: async () => store,
		docs: [],
		capture: () => (captures.push(html), html),
		allowed: () => true,
		build: 'b1',
		lang: () => 'sv',
		title: () => 'Nämnd',
		delayMs: 1000,
		now: () => 42,
		...options
	});
	return { keeper: created, captures, setHtml: (next: string) => (html = next) };
}

/** An update from another device that deletes text this document holds. */
function remoteDeletion(doc: Y.Doc): void {
	const other = new Y.Doc();
	Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
	other.getText('notes').delete(0, 3);
	Y.applyUpdate(doc, Y.encodeStateAsUpdate(other, Y.encodeStateVector(doc)));
}

describe('SnapshotKeeper', () => {
	beforeEach(async () => {
		await store.putMeeting(meeting('m1'));
	});

	it('stores the view a second after the first render, and once after a burst of changes', async () => {
		vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
		const { keeper: k, captures, setHtml } = keeper();
		k.changed();
		await vi.advanceTimersByTimeAsync(5000);
		expect(captures).toHaveLength(0);
		k.start();
		await vi.advanceTimersByTimeAsync(999);
		expect(captures).toHaveLength(0);
		await vi.advanceTimersByTimeAsync(1);
		await k.settled();
		expect(await store.getSnapshot('m1')).toEqual({ meetingId: 'm1', html: '<p>Punkt 1</p>', build: 'b1', lang: 'sv', title: 'Nämnd', savedAt: 42 });
		setHtml('<p>Punkt 2</p>');
		for (let i = 0; i < 5; i++) {
			k.changed();
			await vi.advanceTimersByTimeAsync(300);
		}
		await vi.advanceTimersByTimeAsync(1000);
		await k.settled();
		expect(captures).toHaveLength(2);
		expect((await store.getSnapshot('m1'))?.html).toBe('<p>Punkt 2</p>');
		k.stop();
	});

	it('deletes the stored view at once when another device deletes something, not for the own copy or own edits', async () => {
		const doc = new Y.Doc();
		doc.getText('notes').insert(0, 'Anna Andersson yrkar bifall');
		await store.putSnapshot(view('m1'));
		const { keeper: k } = keeper({ docs: [doc], delayMs: 60_000 });
		// Reading the device's copy (its deletions are old news) and the user's own edits keep it.
		const copy = new Y.Doc();
		copy.getText('notes').insert(0, 'abcdef');
		copy.getText('notes').delete(0, 2);
		Y.applyUpdate(doc, Y.encodeStateAsUpdate(copy), LOCAL_LOAD);
		doc.getText('notes').delete(0, 1);
		await k.settled();
		expect(await store.getSnapshot('m1')).toBeDefined();
		// An erasure or a confidential marking from elsewhere arrives as a deletion: the view goes before any capture.
		remoteDeletion(doc);
		await k.settled();
		expect(await store.getSnapshot('m1')).toBeUndefined();
		k.stop();
	});

	it('deletes instead of storing while the view may not be kept, and keeps the old one while the screen is not the landing one', async () => {
		let allowed = true;
		let shows = false;
		const { keeper: k, captures } = keeper({ allowed: () => allowed, shows: () => shows });
		await store.putSnapshot(view('m1', '<p>gammal</p>'));
		k.start();
		await k.storeNow();
		expect(captures).toHaveLength(0);
		expect((await store.getSnapshot('m1'))?.html).toBe('<p>gammal</p>');
		shows = true;
		allowed = false;
		await k.storeNow();
		expect(await store.getSnapshot('m1')).toBeUndefined();
		allowed = true;
		await k.storeNow();
		expect((await store.getSnapshot('m1'))?.html).toBe('<p>Punkt 1</p>');
		k.stop();
	});

	it('clear() deletes the view and stores nothing afterwards; a stopped keeper writes nothing more', async () => {
		vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
		const { keeper: k } = keeper();
		k.start();
		await vi.advanceTimersByTimeAsync(1000);
		await k.settled();
		expect(await store.getSnapshot('m1')).toBeDefined();
		await k.clear();
		expect(await store.getSnapshot('m1')).toBeUndefined();
		k.changed();
		await vi.advanceTimersByTimeAsync(5000);
		await k.storeNow();
		expect(await store.getSnapshot('m1')).toBeUndefined();

		const second = keeper();
		second.keeper.start();
		const write = second.keeper.storeNow();
		second.keeper.stop();
		await write;
		expect(await store.getSnapshot('m1')).toBeUndefined();
	});

	it('stores no view of a meeting no longer on the device, nor one too large', async () => {
		const { keeper: k, setHtml } = keeper();
		k.start();
		setHtml('x'.repeat(SNAPSHOT_MAX_CHARS + 1));
		await k.storeNow();
		expect(await store.getSnapshot('m1')).toBeUndefined();
		setHtml('<p>ok</p>');
		await removeFromDevice('m1', store);
		await k.storeNow();
		expect(await store.getSnapshot('m1')).toBeUndefined();
		k.stop();
	});
});
