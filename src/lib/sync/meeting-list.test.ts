import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { LocalStore } from './local-store.ts';
import * as Y from 'yjs';
import { deviceCopy, listDeviceMeetings, listLocalMeetings, meetingPath, removeFromDevice, tokenFromHash } from './meeting-list.ts';

describe('meeting list', () => {
	it('lists and removes meetings of a store, and nothing without one', async () => {
		const store = (await LocalStore.open('meeting-list-test'))!;
		const base = { title: 'Nämnd', date: null, epoch: 1, byteSize: 0, token: 't', role: 'member', frozenAt: null };
		await store.putMeeting({ ...base, id: 'a', lastOpened: 1 });
		await store.putMeeting({ ...base, id: 'b', lastOpened: 2 });
		expect((await listLocalMeetings(store)).map((m) => m.id)).toEqual(['b', 'a']);
		await removeFromDevice('b', store);
		expect((await listLocalMeetings(store)).map((m) => m.id)).toEqual(['a']);
		expect(await listLocalMeetings(null)).toEqual([]);
		store.close();
	});

	it('tells the size of each copy and its edits the server has not confirmed', async () => {
		const store = (await LocalStore.open('meeting-list-copies'))!;
		const base = { title: 'Nämnd', date: null, epoch: 1, byteSize: 0, token: 't', role: 'member', frozenAt: null };
		await store.putMeeting({ ...base, id: 'a', lastOpened: 1 });
		await store.putMeeting({ ...base, id: 'b', lastOpened: 2 });
		const doc = new Y.Doc();
		doc.clientID = 7;
		const updates: Uint8Array[] = [];
		doc.on('update', (update: Uint8Array) => updates.push(update));
		doc.getText('notes').insert(0, 'Beslut');
		doc.getText('notes').insert(6, ': godkänt');
		await store.appendUpdate('a', updates[0], new Map([[7, { clocks: [6], deletes: 0 }]]));
		await store.appendUpdate('a', updates[1], new Map([[7, { clocks: [6, 15], deletes: 0 }]]));

		const [b, a] = await listDeviceMeetings(store);
		expect(b).toMatchObject({ id: 'b', size: 0, unsaved: 0 });
		expect(a).toMatchObject({ id: 'a', size: updates[0].byteLength + updates[1].byteLength, unsaved: 2 });
		// The server confirmed the first edit: one is left.
		await store.saveSyncState('a', new Map([[7, 6]]), new Map());
		expect((await deviceCopy('a', store))?.unsaved).toBe(1);
		expect(await deviceCopy('missing', store)).toBeNull();
		expect(await listDeviceMeetings(null)).toEqual([]);
		store.close();
	});

	it('builds a meeting link and reads its token back', () => {
		const path = meetingPath({ id: 'AAAAAAAAAAAAAAAAAAAAAA', token: 'a+b/c=' });
		expect(path).toBe('/m/AAAAAAAAAAAAAAAAAAAAAA#token=a%2Bb%2Fc%3D');
		expect(tokenFromHash(path.slice(path.indexOf('#')))).toBe('a+b/c=');
		expect(tokenFromHash('#other=1')).toBeNull();
		expect(tokenFromHash('')).toBeNull();
	});
});
