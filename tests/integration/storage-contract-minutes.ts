/**
 * The minutes part of the MeetingStorage contract (approvals, seal, versions): every
 * adapter runs it beside `storageContract`, e.g. `minutesStorageContract('pg', factory)`.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { newMeetingId } from '../../server/auth/tokens.ts';
import type { ApprovalRecord, MeetingStorage } from '../../server/storage/types.ts';
import type { StorageFactory } from './storage-contract.ts';

function approval(meetingId: string, overrides: Partial<ApprovalRecord> = {}): ApprovalRecord {
	return { meetingId, action: 'approve', participantId: 'p1', role: 'adjuster', name: 'Camilla Broo', at: '2023-06-12T10:00:00.000Z', ...overrides };
}

export function minutesStorageContract(name: string, factory: StorageFactory): void {
	describe(`MeetingStorage minutes contract: ${name}`, () => {
		async function withMeeting(): Promise<{ storage: MeetingStorage; id: string }> {
			const storage = await factory.create();
			const id = newMeetingId();
			await storage.meetings.createMeeting({ id, title: 'Ledningsgrupp' });
			return { storage, id };
		}

		it('keeps the first of repeated approvals, in time order, and a ready without participant', async () => {
			const { storage, id } = await withMeeting();
			await storage.minutes.addApproval(approval(id, { action: 'ready', participantId: null, role: 'secretary', name: 'organiser', at: '2023-06-12T09:00:00.000Z' }));
			await storage.minutes.addApproval(approval(id));
			await storage.minutes.addApproval(approval(id, { at: '2023-06-13T10:00:00.000Z' }));
			const list = await storage.minutes.listApprovals(id);
			expect(list.map((r) => [r.action, r.participantId, r.at])).toEqual([
				['ready', null, '2023-06-12T09:00:00.000Z'],
				['approve', 'p1', '2023-06-12T10:00:00.000Z']
			]);
			await storage.close();
		});

		it('seals once: sets frozenAt and stores the seal; a second seal changes nothing', async () => {
			const { storage, id } = await withMeeting();
			const seal = { meetingId: id, format: 'f/1', fingerprint: 'a'.repeat(64), stateHash: 'b'.repeat(64), approvedAt: '2023-06-12T10:00:00.000Z', approvers: [approval(id)] };
			expect(await storage.minutes.getSeal(id)).toBeNull();
			expect(await storage.minutes.sealMinutes(seal)).toBe(true);
			expect(await storage.minutes.sealMinutes({ ...seal, fingerprint: 'c'.repeat(64), approvedAt: '2023-06-13T10:00:00.000Z' })).toBe(false);
			expect(await storage.minutes.getSeal(id)).toEqual(seal);
			expect((await storage.meetings.getMeeting(id))?.frozenAt).toBe('2023-06-12T10:00:00.000Z');
			await storage.close();
		});

		it('creates one correction per meeting, with its document, linked both ways', async () => {
			const { storage, id } = await withMeeting();
			const doc = new Y.Doc();
			doc.getMap('header').set('title', 'Rättad');
			const update = Y.encodeStateAsUpdate(doc);
			const nextId = newMeetingId();
			const created = await storage.minutes.createCorrection({ id: nextId, title: 'Ledningsgrupp', previousId: id, update });
			expect(created).toMatchObject({ id: nextId, frozenAt: null, epoch: 1 });
			expect(await storage.minutes.createCorrection({ id: newMeetingId(), title: 'x', previousId: id, update })).toBeNull();
			expect(await storage.minutes.getVersionLinks(id)).toEqual({ previousVersionId: null, nextVersionId: nextId });
			expect(await storage.minutes.getVersionLinks(nextId)).toEqual({ previousVersionId: id, nextVersionId: null });
			const loaded = new Y.Doc();
			for (const u of await storage.docs.loadUpdates(nextId)) Y.applyUpdate(loaded, u);
			expect(loaded.getMap('header').get('title')).toBe('Rättad');
			await storage.close();
		});

		it('seals once and corrects once when two handles race (as two server processes would)', async () => {
			const { storage, id } = await withMeeting();
			const other = factory.second ? await factory.second() : storage;
			try {
				const seal = (fingerprint: string) => ({ meetingId: id, format: 'f/1', fingerprint, stateHash: 'b'.repeat(64), approvedAt: '2023-06-12T10:00:00.000Z', approvers: [approval(id)] });
				const sealed = await Promise.all(['1', '2', '3', '4'].map((c, i) => (i % 2 ? other : storage).minutes.sealMinutes(seal(c.repeat(64)))));
				expect(sealed.filter(Boolean)).toHaveLength(1);
				expect((await other.minutes.getSeal(id))?.fingerprint).toBe(String(sealed.indexOf(true) + 1).repeat(64));

				const update = Y.encodeStateAsUpdate(new Y.Doc());
				const ids = [newMeetingId(), newMeetingId(), newMeetingId(), newMeetingId()];
				const corrections = await Promise.all(
					ids.map((nextId, i) => (i % 2 ? other : storage).minutes.createCorrection({ id: nextId, title: 'Ledningsgrupp', previousId: id, update }))
				);
				const made = corrections.filter((c) => c !== null);
				expect(made).toHaveLength(1);
				expect((await storage.minutes.getVersionLinks(id)).nextVersionId).toBe(made[0]!.id);
				for (const nextId of ids.filter((n) => n !== made[0]!.id)) expect(await storage.meetings.getMeeting(nextId)).toBeNull();
			} finally {
				if (other !== storage) await other.close();
				await storage.close();
			}
		});
	});
}
