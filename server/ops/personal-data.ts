/**
 * The GDPR requests about one person (by name and/or e-mail), across every stored meeting
 * and group: an export of everything stored about them, and erasure from every meeting
 * whose minutes are not approved. Approved minutes are a public record (allmän handling):
 * they are kept, and the answer says what is kept there and why. Both requests are
 * logged without the person's name.
 */
import * as Y from 'yjs';
import type { Logger } from '../log.ts';
import { loadDocument } from '../storage/document-log.ts';
import type { DocumentStore, MeetingRecord, MeetingStorage } from '../storage/types.ts';
import { roomKey } from '../sync/policy.ts';
import type { FanoutMessage } from '../sync/fanout.ts';
import type { DocumentExport, ErasureReport, PersonQuery, PersonalDataExport } from '../../src/lib/protocol/api.ts';
import { eraseFromGroup, eraseFromMeeting, findInGroup, findInMeeting, isGroupDoc } from './person-in-doc.ts';

export const KEPT_REASON =
	'Protokollet är justerat och därmed en allmän handling som myndigheten ska bevara (arkivlagen); uppgifterna i det raderas inte. The minutes are approved: a public record the authority must keep.';

export interface PersonalDataDeps {
	storage: MeetingStorage;
	/** Delivers a stored update to this instance's open rooms (and the other instances'), so open meetings change at once. */
	deliver(meetingId: string, message: FanoutMessage): void;
	log: Logger;
}

export function createPersonalDataService(deps: PersonalDataDeps) {
	const { storage, log } = deps;

	/** The stored document, and for a meeting its stored confidential part (a confidential item's content and formal entries). */
	async function inspect(record: MeetingRecord, query: PersonQuery) {
		const doc = await loadDocument(storage.docs, record.id);
		const kind: 'meeting' | 'group' = isGroupDoc(doc) ? 'group' : 'meeting';
		const part = kind === 'meeting' ? await loadDocument(storage.confidential, record.id) : null;
		const { entryIds, findings } = kind === 'group' ? findInGroup(doc, query) : findInMeeting(doc, query, part ?? undefined);
		const ids = new Set(entryIds);
		const isThem = (name: string, participantId: string | null) =>
			(participantId !== null && ids.has(participantId)) || (query.name !== null && name.trim().toLocaleLowerCase('sv') === query.name.toLocaleLowerCase('sv'));
		const invitations = (await storage.tokens.listInvitations(record.id)).filter((i) => isThem(i.name, i.participantId));
		const approvals = (await storage.minutes.listApprovals(record.id)).filter((a) => isThem(a.name, a.participantId));
		const destroy = () => {
			doc.destroy();
			part?.destroy();
		};
		return { doc, part, destroy, kind, findings, invitations, approvals };
	}

	/** Stores a change to one document of a meeting, delivers it to the open rooms, and compacts, so the old values leave the stored bytes. */
	async function store(store: DocumentStore, key: string, meetingId: string, updates: Uint8Array[]): Promise<void> {
		// One transaction, so one update (merged in case a future change makes it several).
		const update = updates.length > 1 ? Y.mergeUpdates(updates) : updates[0];
		if (!update) return;
		await store.appendUpdate(meetingId, update);
		deps.deliver(key, { kind: 'update', update });
		await store.compact(meetingId);
	}

	return {
		async export(query: PersonQuery): Promise<PersonalDataExport> {
			const documents: DocumentExport[] = [];
			for (const record of await storage.meetings.listMeetingRecords()) {
				const { destroy, kind, findings, invitations, approvals } = await inspect(record, query);
				destroy();
				if (findings.length === 0 && invitations.length === 0 && approvals.length === 0) continue;
				documents.push({
					id: record.id,
					kind,
					title: record.title,
					createdAt: record.createdAt,
					approvedAt: record.frozenAt,
					document: findings,
					invitations: invitations.map(({ id, role, name, createdAt, revokedAt }) => ({ id, role, name, createdAt, revokedAt })),
					approvals: approvals.map(({ action, role, name, at }) => ({ action, role, name, at }))
				});
			}
			log.info({ documents: documents.length }, 'personal data exported');
			return { query, generatedAt: new Date().toISOString(), documents };
		},

		async erase(query: PersonQuery): Promise<ErasureReport> {
			const erasedAt = new Date().toISOString();
			const report: ErasureReport = { query, erasedAt, erased: [], kept: [] };
			for (const record of await storage.meetings.listMeetingRecords()) {
				const { doc, part, destroy, kind, findings, invitations, approvals } = await inspect(record, query);
				try {
					if (findings.length === 0 && invitations.length === 0) continue;
					if (record.frozenAt) {
						report.kept.push({ id: record.id, title: record.title, approvedAt: record.frozenAt, places: findings.length + invitations.length + approvals.length, reason: KEPT_REASON });
						continue;
					}
					const updates: Uint8Array[] = [];
					const partUpdates: Uint8Array[] = [];
					doc.on('update', (u: Uint8Array) => updates.push(u));
					part?.on('update', (u: Uint8Array) => partUpdates.push(u));
					const places = kind === 'group' ? eraseFromGroup(doc, query, erasedAt) : eraseFromMeeting(doc, query, erasedAt, part ?? undefined);
					// Compacting rewrites the stored state from the documents' current content: the erased values leave the stored bytes.
					await store(storage.confidential, roomKey(record.id, 'confidential'), record.id, partUpdates);
					await store(storage.docs, roomKey(record.id, 'main'), record.id, updates);
					const relabelled = await storage.tokens.relabelInvitations(record.id, invitations.map((i) => i.id), kind === 'group' ? '' : 'Borttagen person');
					report.erased.push({ id: record.id, kind, title: record.title, places, invitations: relabelled });
				} finally {
					destroy();
				}
			}
			log.info({ erased: report.erased.map((e) => e.id), kept: report.kept.map((k) => k.id) }, 'personal data erasure request');
			return report;
		}
	};
}

export type PersonalDataService = ReturnType<typeof createPersonalDataService>;
