import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { LocalStore, type LocalMeeting } from './local-store.ts';

let store: LocalStore;
let dbName: string;
let counter = 0;

function meeting(id: string, patch: Partial<LocalMeeting> = {}): LocalMeeting {
	return { id, title: 'Ledningsgrupp', date: null, lastOpened: 1, epoch: 1, byteSize: 0, token: 't', role: 'member', frozenAt: null, ...patch };
}

/** N small updates as a typing client produces them. */
function typedUpdates(text: string): { updates: Uint8Array[]; doc: Y.Doc } {
	const doc = new Y.Doc();
	const updates: Uint8Array[] = [];
	doc.on('update', (update: Uint8Array) => updates.push(update));
	const ytext = doc.getText('notes');
	for (const char of text) ytext.insert(ytext.length, char);
	ytext.delete(0, 1);
	return { updates, doc };
}

function textOf(updates: Uint8Array[]): string {
	const doc = new Y.Doc();
	for (const update of updates) Y.applyUpdate(doc, update);
	return doc.getText('notes').toString();
}

beforeEach(async () => {
	dbName = `motesrum-test-${++counter}`;
	store = (await LocalStore.open(dbName))!;
});

afterEach(() => store.close());

describe('LocalStore', () => {
	it('appends updates per meeting and loads them in order', async () => {
		const { updates } = typedUpdates('Beslut');
		for (const update of updates) await store.appendUpdate('a', update);
		await store.appendUpdate('b', typedUpdates('x').updates[0]);
		const loaded = await store.loadUpdates('a');
		expect(loaded).toHaveLength(updates.length);
		expect(textOf(loaded)).toBe('eslut');
		expect(await store.loadUpdates('b')).toHaveLength(1);
	});

	it('compacts into one update with the same state and updates the byte size', async () => {
		const { updates } = typedUpdates('Mötet bryts för punkt 9');
		await store.putMeeting(meeting('a'));
		for (const update of updates) await store.appendUpdate('a', update);
		await store.appendUpdate('b', typedUpdates('other').updates[0]);
		const before = await store.estimateSize('a');

		const size = await store.compact('a');

		const loaded = await store.loadUpdates('a');
		expect(loaded).toHaveLength(1);
		expect(textOf(loaded)).toBe('ötet bryts för punkt 9');
		expect(size).toBe(loaded[0].byteLength);
		expect(size).toBeLessThan(before);
		expect((await store.getMeeting('a'))!.byteSize).toBe(size);
		expect(await store.loadUpdates('b')).toHaveLength(1);
	});

	it('keeps appends from another connection (tab) made while compacting', async () => {
		const other = (await LocalStore.open(dbName))!;
		const { updates, doc } = typedUpdates('abc');
		for (const update of updates) await store.appendUpdate('a', update);
		const more: Uint8Array[] = [];
		doc.on('update', (update: Uint8Array) => more.push(update));
		doc.getText('notes').insert(0, 'XYZ');

		await Promise.all([store.compact('a'), ...more.map((update) => other.appendUpdate('a', update))]);

		expect(textOf(await store.loadUpdates('a'))).toBe('XYZbc');
		other.close();
	});

	it('keeps the old list when the compaction transaction aborts', async () => {
		const { updates } = typedUpdates('abc');
		for (const update of updates) await store.appendUpdate('a', update);
		await store.appendUpdate('a', new Uint8Array([1, 2, 3]));
		await expect(store.compact('a')).rejects.toThrow();
		expect(await store.loadUpdates('a')).toHaveLength(updates.length + 1);
	});

	it('lists meetings most recently opened first and updates fields', async () => {
		await store.putMeeting(meeting('old', { lastOpened: 10 }));
		await store.putMeeting(meeting('new', { lastOpened: 20, title: 'Samverkansgrupp' }));
		await store.updateMeeting('old', { lastOpened: 30, date: '2023-06-09' });
		await store.updateMeeting('missing', { title: 'x' });
		const list = await store.listMeetings();
		expect(list.map((m) => m.id)).toEqual(['old', 'new']);
		expect(list[0].date).toBe('2023-06-09');
		expect(await store.getMeeting('missing')).toBeUndefined();
	});

	it('deletes everything of one meeting and nothing of another', async () => {
		await store.putMeeting(meeting('a'));
		await store.putMeeting(meeting('b'));
		const { updates } = typedUpdates('ab');
		for (const update of updates) {
			await store.appendUpdate('a', update, new Map([[1, { clocks: [1], deletes: 0 }]]));
			await store.appendUpdate('b', update);
		}
		await store.deleteMeeting('a');
		expect(await store.getMeeting('a')).toBeUndefined();
		expect(await store.loadUpdates('a')).toEqual([]);
		expect(await store.estimateSize('a')).toBe(0);
		expect(await store.loadSyncState('a')).toEqual({ saved: null, pending: new Map() });
		expect(await store.loadUpdates('b')).toHaveLength(updates.length);
		expect((await store.listMeetings()).map((m) => m.id)).toEqual(['b']);
	});

	it('estimates the stored size of a meeting', async () => {
		const { updates } = typedUpdates('abc');
		for (const update of updates) await store.appendUpdate('a', update);
		expect(await store.estimateSize('a')).toBe(updates.reduce((sum, u) => sum + u.byteLength, 0));
	});

	it('merges the saved vector by maximum and replaces pending entries per client', async () => {
		await store.saveSyncState('a', new Map([[1, 5], [2, 9]]), new Map([[1, { clocks: [7, 8], deletes: 1 }]]));
		await store.appendUpdate('a', typedUpdates('x').updates[0], new Map([[3, { clocks: [2], deletes: 0 }]]));
		await store.saveSyncState('a', new Map([[1, 3], [2, 12]]), new Map([[1, { clocks: [], deletes: 0 }]]));
		const state = await store.loadSyncState('a');
		expect(state.saved).toEqual(new Map([[1, 5], [2, 12]]));
		expect(state.pending).toEqual(new Map([[3, { clocks: [2], deletes: 0 }]]));
	});

	it('resolves null where there is no IndexedDB', async () => {
		const saved = globalThis.indexedDB;
		// @ts-expect-error simulating SSR / a browser without IndexedDB
		delete globalThis.indexedDB;
		try {
			expect(await LocalStore.open('none')).toBeNull();
		} finally {
			globalThis.indexedDB = saved;
		}
	});
});

describe('LocalStore: handlingar on the device', () => {
	const file = (meetingId: string, attachmentId: string, sha: string) => ({ meetingId, attachmentId, sha256: sha.repeat(64), name: `${attachmentId}.pdf`, type: 'application/pdf', size: 3 });

	it('keeps bytes once for every meeting that lists them, and removes them with the last', async () => {
		await store.putMeeting(meeting('a'));
		await store.putMeeting(meeting('b'));
		await store.putFile(file('a', 'A1', 'x'), new Blob(['pdf']));
		await store.putFile(file('b', 'B1', 'x'));
		await store.putFile(file('a', 'A2', 'y'), new Blob(['two']));
		expect((await store.readFile('a', 'A1'))?.file.name).toBe('A1.pdf');
		await store.deleteMeeting('a');
		expect(await store.listFiles('a')).toEqual([]);
		expect(await store.hasBlob('x'.repeat(64))).toBe(true);
		expect(await store.hasBlob('y'.repeat(64))).toBe(false);
		await store.keepOnlyFiles('b', new Set());
		expect(await store.hasBlob('x'.repeat(64))).toBe(false);
		expect(await store.readFile('b', 'B1')).toBeNull();
	});

	it('refuses to list a file whose bytes are not on the device', async () => {
		await expect(store.putFile(file('a', 'A1', 'z'))).rejects.toThrow(/not on this device/);
	});
});
