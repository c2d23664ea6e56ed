import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { LocalStore } from './local-store.ts';
import { listLocalMeetings, meetingPath, removeFromDevice, tokenFromHash } from './meeting-list.ts';

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

	it('builds a meeting link and reads its token back', () => {
		const path = meetingPath({ id: 'AAAAAAAAAAAAAAAAAAAAAA', token: 'a+b/c=' });
		expect(path).toBe('/m/AAAAAAAAAAAAAAAAAAAAAA#token=a%2Bb%2Fc%3D');
		expect(tokenFromHash(path.slice(path.indexOf('#')))).toBe('a+b/c=');
		expect(tokenFromHash('#other=1')).toBeNull();
		expect(tokenFromHash('')).toBeNull();
	});
});
