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
			await storage.createMeeting({ id, title: 'Ledningsgrupp' });
			return { storage, id };
		}

		it('keeps the first of repeated approvals, in time order, and a ready without participant', async () => {
			const { storage, id } = await withMeeting();
			await storage.addApproval(approval(id, { action: 'ready', participantId: null, role: 'secretary', name: 'organiser', at: '2023-06-12T09:00:00.000Z' }));
			await storage.addApproval(approval(id));
			await storage.addApproval(approval(id, { at: '2023-06-13T10:00:00.000Z' }));
			const list = await storage.listApprovals(id);
			expect(list.map((r) => [r.action, r.participantId, r.at])).toEqual([
				['ready', null, '2023-06-12T09:00:00.000Z'],
				['approve', 'p1', '2023-06-12T10:00:00.000Z']
			]);
			await storage.close();
		});

		it('seals once: sets frozenAt and stores the seal; a second seal changes nothing', async () => {
			const { storage, id } = await withMeeting();
			const seal = { meetingId: id, format: 'f/1', fingerprint: 'a'.repeat(64), stateHash: 'b'.repeat(64), approvedAt: '2023-06-12T10:00:00.000Z', approvers: [approval(id)] };
			expect(await storage.getSeal(id)).toBeNull();
			expect(await storage.sealMinutes(seal)).toBe(true);
			expect(await storage.sealMinutes({ ...seal, fingerprint: 'c'.repeat(64), approvedAt: '2023-06-13T10:00:00.000Z' })).toBe(false);
			expect(await storage.getSeal(id)).toEqual(seal);
			expect((await storage.getMeeting(id))?.frozenAt).toBe('2023-06-12T10:00:00.000Z');
			await storage.close();
		});

		it('creates one correction per meeting, with its document, linked both ways', async () => {
			const { storage, id } = await withMeeting();
			const doc = new Y.Doc();
			doc.getMap('header').set('title', 'Rättad');
			const update = Y.encodeStateAsUpdate(doc);
			const nextId = newMeetingId();
			const created = await storage.createCorrection({ id: nextId, title: 'Ledningsgrupp', previousId: id, update });
			expect(created).toMatchObject({ id: nextId, frozenAt: null, epoch: 1 });
			expect(await storage.createCorrection({ id: newMeetingId(), title: 'x', previousId: id, update })).toBeNull();
			expect(await storage.getVersionLinks(id)).toEqual({ previousVersionId: null, nextVersionId: nextId });
			expect(await storage.getVersionLinks(nextId)).toEqual({ previousVersionId: id, nextVersionId: null });
			const loaded = new Y.Doc();
			for (const u of await storage.loadUpdates(nextId)) Y.applyUpdate(loaded, u);
			expect(loaded.getMap('header').get('title')).toBe('Rättad');
			await storage.close();
		});
	});
}
