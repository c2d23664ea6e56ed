/**
 * The invitation part of the MeetingStorage contract (listInvitations,
 * revokeInvitations, countMeetings and the id/participantId of tokens). Every adapter
 * runs it beside `storageContract`, from its own test file.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { hashToken, newMeetingId, newToken } from '../../server/auth/tokens.ts';
import type { MeetingStorage } from '../../server/storage/types.ts';
import type { StorageFactory } from './storage-contract.ts';

export function invitationStorageContract(name: string, factory: StorageFactory): void {
	describe(`MeetingStorage invitations contract: ${name}`, () => {
		const opened: MeetingStorage[] = [];
		async function open(): Promise<MeetingStorage> {
			const storage = await factory.create();
			opened.push(storage);
			return storage;
		}
		afterEach(async () => {
			while (opened.length) await opened.pop()!.close();
		});

		async function setup() {
			const storage = await open();
			const meetingId = newMeetingId();
			await storage.meetings.createMeeting({ id: meetingId, title: 'Nämnd' });
			const issue = async (id: string, role: string, participantId: string | null, label = id) => {
				const token = newToken();
				await storage.tokens.addToken(hashToken(token), { meetingId, role, label, id, participantId });
				return token;
			};
			return { storage, meetingId, issue };
		}

		it('stores the invitation id and participant with the token', async () => {
			const { storage, issue } = await setup();
			const token = await issue('inv-anna', 'member', 'p-anna', 'Anna Andersson');
			expect(await storage.tokens.findToken(hashToken(token))).toMatchObject({
				id: 'inv-anna',
				participantId: 'p-anna',
				label: 'Anna Andersson',
				role: 'member',
				revokedAt: null
			});
		});

		it('lists a meeting’s invitations oldest first, without tokens, and only that meeting’s', async () => {
			const { storage, meetingId, issue } = await setup();
			await issue('inv-1', 'chair', 'p-1', 'Ordförande');
			await issue('inv-2', 'observer', null, 'Observatörer');
			const other = newMeetingId();
			await storage.meetings.createMeeting({ id: other, title: 'Annan' });
			await storage.tokens.addToken(hashToken(newToken()), { meetingId: other, role: 'member', label: 'x', id: 'inv-x', participantId: null });

			const list = await storage.tokens.listInvitations(meetingId);
			expect(list.map((i) => [i.id, i.role, i.participantId, i.name, i.revokedAt])).toEqual([
				['inv-1', 'chair', 'p-1', 'Ordförande', null],
				['inv-2', 'observer', null, 'Observatörer', null]
			]);
			expect(JSON.stringify(list)).not.toMatch(/hash|token/i);
		});

		it('revokes by invitation id and by participant id, returning what it revoked', async () => {
			const { storage, meetingId, issue } = await setup();
			const a1 = await issue('a1', 'member', 'p-a');
			const a2 = await issue('a2', 'member', 'p-a');
			const b = await issue('b', 'member', 'p-b');

			expect((await storage.tokens.revokeInvitations(meetingId, { participantId: 'p-a' })).sort()).toEqual(['a1', 'a2']);
			expect(await storage.tokens.revokeInvitations(meetingId, { participantId: 'p-a' })).toEqual([]);
			expect((await storage.tokens.findToken(hashToken(a1)))?.revokedAt).not.toBeNull();
			expect((await storage.tokens.findToken(hashToken(a2)))?.revokedAt).not.toBeNull();
			expect((await storage.tokens.findToken(hashToken(b)))?.revokedAt).toBeNull();

			expect(await storage.tokens.revokeInvitations(newMeetingId(), { id: 'b' })).toEqual([]);
			expect(await storage.tokens.revokeInvitations(meetingId, { id: 'b' })).toEqual(['b']);
			expect((await storage.tokens.findToken(hashToken(b)))?.revokedAt).not.toBeNull();
		});

		it('counts meetings', async () => {
			const storage = await open();
			const before = await storage.meetings.countMeetings();
			await storage.meetings.createMeeting({ id: newMeetingId(), title: 'Ett' });
			await storage.meetings.createMeeting({ id: newMeetingId(), title: 'Två' });
			expect(await storage.meetings.countMeetings()).toBe(before + 2);
		});
	});
}
