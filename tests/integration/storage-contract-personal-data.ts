/**
 * What the personal-data export and erasure need from the storage (meetings.listMeetingRecords,
 * tokens.relabelInvitations). Every adapter runs it from its own test file.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { hashToken, newMeetingId, newToken } from '../../server/auth/tokens.ts';
import { newInvitationId } from '../../server/storage/invitation-ids.ts';
import type { MeetingStorage } from '../../server/storage/types.ts';
import type { StorageFactory } from './storage-contract.ts';

export function personalDataStorageContract(name: string, factory: StorageFactory): void {
	describe(`Storage contract, personal data: ${name}`, () => {
		const opened: MeetingStorage[] = [];
		afterEach(async () => {
			while (opened.length) await opened.pop()!.close();
		});

		it('lists the documents that are not deleted, oldest first, and renames invitations of one meeting only', async () => {
			const storage = await factory.create();
			opened.push(storage);
			const [a, b, gone] = [newMeetingId(), newMeetingId(), newMeetingId()];
			for (const id of [a, b, gone]) {
				await storage.meetings.createMeeting({ id, title: `Möte ${id}` });
				await new Promise((resolve) => setTimeout(resolve, 2));
			}
			await storage.meetings.deleteMeeting(gone);
			const listed = (await storage.meetings.listMeetingRecords()).map((m) => m.id).filter((id) => [a, b, gone].includes(id));
			expect(listed).toEqual([a, b]);

			const issue = async (meetingId: string, label: string) => {
				const id = newInvitationId();
				await storage.tokens.addToken(hashToken(newToken()), { meetingId, role: 'member', label, id, participantId: null });
				return id;
			};
			const inA = await issue(a, 'Anna Andersson');
			const other = await issue(a, 'Bo Berg');
			const inB = await issue(b, 'Anna Andersson');
			expect(await storage.tokens.relabelInvitations(a, [inA, inB], 'Borttagen person')).toBe(1);
			expect((await storage.tokens.listInvitations(a)).map((i) => [i.id, i.name])).toEqual(
				expect.arrayContaining([
					[inA, 'Borttagen person'],
					[other, 'Bo Berg']
				])
			);
			expect((await storage.tokens.listInvitations(b))[0].name).toBe('Anna Andersson');
			expect(await storage.tokens.relabelInvitations(a, [], 'x')).toBe(0);
		});
	});
}
