/**
 * The groups part of the storage contract (server/storage/group-types.ts) as a reusable
 * suite: every engine runs it, e.g. `groupStorageContract('pg', factory)`. With
 * `second`, "create the next meeting" is raced from two handles on one database, as
 * two server processes would.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { newMeetingId } from '../../server/auth/tokens.ts';
import type { NewGroupMeeting } from '../../server/storage/group-types.ts';
import type { MeetingStorage } from '../../server/storage/types.ts';

export interface GroupStorageFactory {
	/** A fresh, initialised, empty storage. */
	create(): Promise<MeetingStorage>;
	/** Another initialised handle on the same database as the last `create()`, if the engine has one. */
	second?(): Promise<MeetingStorage>;
}

function documentWith(title: string): Uint8Array {
	const doc = new Y.Doc();
	doc.getMap('header').set('title', title);
	const update = Y.encodeStateAsUpdate(doc);
	doc.destroy();
	return update;
}

function titleOf(updates: Uint8Array[]): unknown {
	const doc = new Y.Doc();
	for (const update of updates) Y.applyUpdate(doc, update);
	const title = doc.getMap('header').get('title');
	doc.destroy();
	return title;
}

function nextMeeting(groupId: string, sequence: number, overrides: Partial<NewGroupMeeting> = {}): NewGroupMeeting {
	const meetingId = overrides.meetingId ?? newMeetingId();
	return {
		groupId,
		sequence,
		meetingId,
		title: 'Ledningsgrupp',
		date: '2023-06-09',
		initialUpdate: documentWith(`möte ${sequence} (${meetingId})`),
		...overrides
	};
}

export function groupStorageContract(name: string, factory: GroupStorageFactory): void {
	describe(`Storage contract, groups: ${name}`, () => {
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
		async function group(storage: MeetingStorage): Promise<string> {
			const id = newMeetingId();
			await storage.groups.createGroup({ id, name: 'Södertörnskommunernas ledningsgrupp' }, documentWith('grupp'));
			return id;
		}

		afterEach(async () => {
			while (opened.length) await opened.pop()!.close();
		});

		it('creates a group with its document row and first update', async () => {
			const storage = await open();
			const id = newMeetingId();
			const created = await storage.groups.createGroup({ id, name: 'Ledningsgrupp' }, documentWith('grupp'));
			expect(created).toMatchObject({ id, name: 'Ledningsgrupp', deletedAt: null });
			expect(Number.isNaN(Date.parse(created.createdAt))).toBe(false);
			expect(await storage.groups.getGroup(id)).toEqual(created);
			expect(await storage.meetings.getMeeting(id)).toMatchObject({ id, title: 'Ledningsgrupp' });
			expect(titleOf(await storage.docs.loadUpdates(id))).toBe('grupp');
			expect(await storage.groups.getGroup(newMeetingId())).toBeNull();
		});

		it('creates a meeting per sequence, lists them in order and finds a meeting’s group', async () => {
			const storage = await open();
			const groupId = await group(storage);
			const second = nextMeeting(groupId, 2, { date: null });
			const first = nextMeeting(groupId, 1);
			const createdSecond = await storage.groups.createGroupMeeting(second);
			const createdFirst = await storage.groups.createGroupMeeting(first);
			expect(createdFirst.created).toBe(true);
			expect(createdFirst.meeting).toMatchObject({ groupId, meetingId: first.meetingId, sequence: 1, title: 'Ledningsgrupp', date: '2023-06-09' });
			expect(createdSecond.meeting.date).toBeNull();
			expect(await storage.groups.listGroupMeetings(groupId)).toEqual([createdFirst.meeting, createdSecond.meeting]);
			expect(await storage.groups.findMeetingGroup(first.meetingId)).toEqual(createdFirst.meeting);
			expect(await storage.groups.findMeetingGroup(groupId)).toBeNull();
			expect(await storage.meetings.getMeeting(first.meetingId)).toMatchObject({ id: first.meetingId, title: 'Ledningsgrupp', frozenAt: null });
			expect(titleOf(await storage.docs.loadUpdates(first.meetingId))).toBe(`möte 1 (${first.meetingId})`);
			expect(await storage.groups.listGroupMeetings(newMeetingId())).toEqual([]);
		});

		it('answers a taken sequence with the existing meeting and writes nothing', async () => {
			const storage = await open();
			const groupId = await group(storage);
			const first = await storage.groups.createGroupMeeting(nextMeeting(groupId, 1));
			const again = nextMeeting(groupId, 1);
			expect(await storage.groups.createGroupMeeting(again)).toEqual({ meeting: first.meeting, created: false });
			expect(await storage.meetings.getMeeting(again.meetingId)).toBeNull();
			expect(await storage.docs.loadUpdates(again.meetingId)).toEqual([]);
			expect(await storage.groups.listGroupMeetings(groupId)).toHaveLength(1);
		});

		it('writes nothing when the meeting cannot be stored (its id is taken)', async () => {
			const storage = await open();
			const groupId = await group(storage);
			const taken = newMeetingId();
			await storage.meetings.createMeeting({ id: taken, title: 'Annat möte' });
			await expect(storage.groups.createGroupMeeting(nextMeeting(groupId, 1, { meetingId: taken }))).rejects.toThrow();
			expect(await storage.groups.listGroupMeetings(groupId)).toEqual([]);
			expect(await storage.docs.loadUpdates(taken)).toEqual([]);
			expect(await storage.meetings.getMeeting(taken)).toMatchObject({ title: 'Annat möte' });
		});

		it('creates exactly one meeting when many ask for the same sequence at once, from two handles', async () => {
			const a = await open();
			const groupId = await group(a);
			const b = (await openSecond()) ?? a;
			const requests = Array.from({ length: 8 }, () => nextMeeting(groupId, 1));
			const results = await Promise.all(requests.map((request, i) => (i % 2 === 0 ? a : b).groups.createGroupMeeting(request)));
			expect(results.filter((r) => r.created)).toHaveLength(1);
			const winner = results.find((r) => r.created)!.meeting;
			expect(results.every((r) => r.meeting.meetingId === winner.meetingId)).toBe(true);
			expect(await b.groups.listGroupMeetings(groupId)).toEqual([winner]);
			for (const request of requests) {
				const stored = await a.meetings.getMeeting(request.meetingId);
				expect(stored === null).toBe(request.meetingId !== winner.meetingId);
			}
			const updates = await a.docs.loadUpdates(winner.meetingId);
			expect(updates).toHaveLength(1);
			expect(titleOf(updates)).toBe(`möte 1 (${winner.meetingId})`);
		});
	});
}
