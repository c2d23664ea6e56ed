import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { LocalCopy, readCopyEarly } from './local-copy.ts';
import { deviceStore, LocalStore, type LocalMeeting } from './local-store.ts';

const MEETING = 'long';
let store: LocalStore;
let dbName: string;
let counter = 0;

function meeting(): LocalMeeting {
	return { id: MEETING, title: 'Årsmöte', date: null, lastOpened: 1, epoch: 1, byteSize: 0, token: 't', role: 'member', frozenAt: null };
}

/** A copy as a session uses it: loaded into a doc whose every update is appended. */
async function openCopy(compactAfter: number): Promise<{ copy: LocalCopy; doc: Y.Doc; failures: number[] }> {
	const failures: number[] = [];
	const copy = new LocalCopy({ meetingId: MEETING, store, compactAfter, onFailure: () => failures.push(Date.now()) });
	const doc = new Y.Doc();
	const loaded = await copy.load(doc, 'load');
	expect(loaded.state).toBe('ok');
	doc.on('update', (update: Uint8Array, origin: unknown) => origin !== 'load' && copy.append(update, undefined));
	return { copy, doc, failures };
}

function storedText(updates: Uint8Array[]): string {
	const doc = new Y.Doc();
	Y.transact(doc, () => updates.forEach((update) => Y.applyUpdate(doc, update)));
	return doc.getText('notes').toString();
}

async function records(): Promise<number> {
	return (await store.loadUpdates(MEETING)).length;
}

beforeEach(async () => {
	dbName = `motesrum-copy-test-${++counter}`;
	store = (await LocalStore.open(dbName))!;
	await store.putMeeting(meeting());
});

afterEach(() => store.close());

describe('LocalCopy compaction in the background', () => {
	it('keeps the number of stored records bounded while edits accumulate, and loses none', async () => {
		const { copy, doc, failures } = await openCopy(40);
		const notes = doc.getText('notes');
		let written = '';
		let most = 0;
		for (let i = 0; i < 1_000; i++) {
			const char = String.fromCharCode(97 + (i % 26));
			notes.insert(notes.length, char);
			written += char;
			// A user types in bursts: the page is idle now and then.
			if (i % 25 === 24) {
				await copy.flush();
				most = Math.max(most, await records());
			}
		}
		await copy.flush();
		most = Math.max(most, await records());

		expect(most).toBeLessThanOrEqual(40);
		expect(await records()).toBeLessThan(40);
		expect(storedText(await store.loadUpdates(MEETING))).toBe(written);
		expect(failures).toEqual([]);
		await copy.close();
	});

	it('compacts a copy opened with more than a fifth of the bound stored', async () => {
		const source = new Y.Doc();
		source.on('update', (update: Uint8Array) => void store.appendUpdate(MEETING, update));
		for (const char of 'Protokollet justeras') source.getText('notes').insert(source.getText('notes').length, char);
		await store.loadUpdates(MEETING); // every append above has been issued before this read

		const { copy, doc } = await openCopy(50);
		expect(doc.getText('notes').toString()).toBe('Protokollet justeras');

		await copy.flush();
		expect(await records()).toBe(1);
		expect(storedText(await store.loadUpdates(MEETING))).toBe('Protokollet justeras');
		await copy.close();
	});

	it('keeps edits made by this tab and another one while the compaction runs', async () => {
		const { copy, doc, failures } = await openCopy(10);
		const other = (await LocalStore.open(dbName))!;
		const otherDoc = new Y.Doc();
		const notes = doc.getText('notes');
		for (const char of 'abcdefghi') notes.insert(notes.length, char);
		await copy.flush();
		expect(await records()).toBe(9);

		// The tenth record makes a compaction due; the edits after it race with it, from both tabs.
		notes.insert(notes.length, 'j');
		const racing: Promise<void>[] = [];
		otherDoc.on('update', (update: Uint8Array) => racing.push(other.appendUpdate(MEETING, update)));
		for (const char of 'xyz') {
			notes.insert(notes.length, char);
			otherDoc.getText('other').insert(otherDoc.getText('other').length, char);
			await new Promise((resolve) => setTimeout(resolve, 0));
		}
		await Promise.all(racing);
		await copy.flush();

		const stored = await store.loadUpdates(MEETING);
		expect(stored.length).toBeLessThan(10);
		const merged = new Y.Doc();
		Y.transact(merged, () => stored.forEach((update) => Y.applyUpdate(merged, update)));
		expect(merged.getText('notes').toString()).toBe('abcdefghijxyz');
		expect(merged.getText('other').toString()).toBe('xyz');
		expect(failures).toEqual([]);
		other.close();
		await copy.close();
	});

	it('does not compact after the copy is closed', async () => {
		const { copy, doc } = await openCopy(5);
		for (const char of 'abcde') doc.getText('notes').insert(doc.getText('notes').length, char);
		await copy.close();
		// The compaction was due but dropped at close: the records are as appended.
		expect(await records()).toBe(5);
	});
});

describe('readCopyEarly', () => {
	it('hands the copy read at the entry to the first load of that meeting, and only to it', async () => {
		const shared = (await deviceStore())!;
		await shared.putMeeting(meeting());
		const source = new Y.Doc();
		source.getText('notes').insert(0, 'Dagordningen godkänns');
		await shared.appendUpdate(MEETING, Y.encodeStateAsUpdate(source));

		readCopyEarly(MEETING);
		await new Promise((resolve) => setTimeout(resolve, 20));
		// Written after the early read finished (the copy discarded and refilled, as "Läs in mötet från servern igen" does).
		await shared.clearDocument(MEETING);
		source.getText('notes').insert(0, 'Ny: ');
		await shared.appendUpdate(MEETING, Y.encodeStateAsUpdate(source));

		const first = new Y.Doc();
		const firstCopy = new LocalCopy({ meetingId: MEETING, store: undefined, compactAfter: 500, onFailure: () => {} });
		expect((await firstCopy.load(first, 'load')).state).toBe('ok');
		expect(first.getText('notes').toString()).toBe('Dagordningen godkänns');

		const second = new Y.Doc();
		const secondCopy = new LocalCopy({ meetingId: MEETING, store: undefined, compactAfter: 500, onFailure: () => {} });
		await secondCopy.load(second, 'load');
		expect(second.getText('notes').toString()).toBe('Ny: Dagordningen godkänns');
		await firstCopy.close();
		await secondCopy.close();
		await shared.deleteMeeting(MEETING);
	});
});
