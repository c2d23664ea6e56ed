/**
 * The notice part of the MeetingStorage contract (anslag): every adapter runs it beside
 * `storageContract`, e.g. `noticeStorageContract('pg', factory)`.
 */
import { describe, expect, it } from 'vitest';
import { newMeetingId } from '../../server/auth/tokens.ts';
import type { NoticeRecord } from '../../server/storage/types.ts';
import type { StorageFactory } from './storage-contract.ts';

export function noticeStorageContract(name: string, factory: StorageFactory): void {
	describe(`MeetingStorage notice contract: ${name}`, () => {
		it('stores one notice per meeting, replaced when corrected, dates unchanged by time zones', async () => {
			const storage = await factory.create();
			const id = newMeetingId();
			await storage.meetings.createMeeting({ id, title: 'Byggnadsnämnden' });
			expect(await storage.notices.getNotice(id)).toBeNull();
			const notice: NoticeRecord = {
				meetingId: id,
				postedOn: '2023-06-12',
				takeDownOn: '2023-07-04',
				keptAt: 'Stadsbyggnadskontoret',
				recordedBy: 'Lena Lund',
				recordedAt: '2023-06-12T08:00:00.000Z'
			};
			await storage.notices.setNotice(notice);
			expect(await storage.notices.getNotice(id)).toEqual(notice);
			const corrected = { ...notice, takeDownOn: '2023-07-05', recordedAt: '2023-06-13T08:00:00.000Z' };
			await storage.notices.setNotice(corrected);
			expect(await storage.notices.getNotice(id)).toEqual(corrected);
			await storage.close();
		});
	});
}
