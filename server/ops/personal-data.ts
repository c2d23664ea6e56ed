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
import type { MeetingRecord, MeetingStorage } from '../storage/types.ts';
import type { FanoutMessage } from '../sync/fanout.ts';
import { type Finding, type PersonQuery, eraseFromGroup, eraseFromMeeting, findInGroup, findInMeeting, isGroupDoc } from './person-in-doc.ts';

export type { PersonQuery } from './person-in-doc.ts';

export const KEPT_REASON =
	'Protokollet är justerat och därmed en allmän handling som myndigheten ska bevara (arkivlagen); uppgifterna i det raderas inte. The minutes are approved: a public record the authority must keep.';

export interface DocumentExport {
	id: string;
	kind: 'meeting' | 'group';
	title: string;
	createdAt: string;
	approvedAt: string | null;
	/** Places in the document, each with what it holds (an entry's fields, a reference, an excerpt of free text). */
	document: Finding[];
	/** Invitations issued in the person's name or to their participant entry (never the token). */
	invitations: { id: string; role: string; name: string; createdAt: string; revokedAt: string | null }[];
	/** Their readiness and approvals of the minutes. */
	approvals: { action: string; role: string; name: string; at: string }[];
}

export interface PersonalDataExport {
	query: PersonQuery;
	generatedAt: string;
	documents: DocumentExport[];
}

export interface ErasureReport {
	query: PersonQuery;
	erasedAt: string;
	erased: { id: string; kind: 'meeting' | 'group'; title: string; places: number; invitations: number }[];
	kept: { id: string; title: string; approvedAt: string; places: number; reason: string }[];
}

export interface PersonalDataDeps {
	storage: MeetingStorage;
	/** Delivers a stored update to this instance's open rooms (and the other instances'), so open meetings change at once. */
	deliver(meetingId: string, message: FanoutMessage): void;
	log: Logger;
}

const MAX_NAME = 200;

/** Validates a request body: `{ name?, email? }`, at least one. Messages are shown to the organiser as they are. */
export function personQuery(body: unknown): PersonQuery {
	if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new RangeError('Body must be a JSON object');
	const { name, email } = body as Record<string, unknown>;
	const text = (value: unknown, field: string): string | null => {
		if (value === undefined || value === null || value === '') return null;
		if (typeof value !== 'string') throw new RangeError(`${field} must be a string`);
		const trimmed = value.trim().replace(/\s+/g, ' ');
		if (trimmed.length > MAX_NAME) throw new RangeError(`${field} must be at most ${MAX_NAME} characters`);
		return trimmed.length === 0 ? null : trimmed;
	};
	const query = { name: text(name, 'name'), email: text(email, 'email') };
	if (query.name === null && query.email === null) throw new RangeError('Give the name or the e-mail address of the person');
	if (query.name !== null && query.name.length < 3) throw new RangeError('name must be at least 3 characters (a whole name)');
	if (query.email !== null && !/^[^\s@]+@[^\s@]+$/.test(query.email)) throw new RangeError('email is not an e-mail address');
	return query;
}

export function createPersonalDataService(deps: PersonalDataDeps) {
	const { storage, log } = deps;
	const load = (id: string) => loadDocument(storage.docs, id);

	async function inspect(record: MeetingRecord, query: PersonQuery) {
		const doc = await load(record.id);
		const kind: 'meeting' | 'group' = isGroupDoc(doc) ? 'group' : 'meeting';
		const { entryIds, findings } = kind === 'group' ? findInGroup(doc, query) : findInMeeting(doc, query);
		const ids = new Set(entryIds);
		const isThem = (name: string, participantId: string | null) =>
			(participantId !== null && ids.has(participantId)) || (query.name !== null && name.trim().toLocaleLowerCase('sv') === query.name.toLocaleLowerCase('sv'));
		const invitations = (await storage.tokens.listInvitations(record.id)).filter((i) => isThem(i.name, i.participantId));
		const approvals = (await storage.minutes.listApprovals(record.id)).filter((a) => isThem(a.name, a.participantId));
		return { doc, kind, findings, invitations, approvals };
	}

	return {
		async export(query: PersonQuery): Promise<PersonalDataExport> {
			const documents: DocumentExport[] = [];
			for (const record of await storage.meetings.listMeetingRecords()) {
				const { doc, kind, findings, invitations, approvals } = await inspect(record, query);
				doc.destroy();
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
				const { doc, kind, findings, invitations, approvals } = await inspect(record, query);
				try {
					if (findings.length === 0 && invitations.length === 0) continue;
					if (record.frozenAt) {
						report.kept.push({ id: record.id, title: record.title, approvedAt: record.frozenAt, places: findings.length + invitations.length + approvals.length, reason: KEPT_REASON });
						continue;
					}
					const updates: Uint8Array[] = [];
					doc.on('update', (u: Uint8Array) => updates.push(u));
					const places = kind === 'group' ? eraseFromGroup(doc, query, erasedAt) : eraseFromMeeting(doc, query, erasedAt);
					// One transaction, so one update (merged in case a future change makes it several).
					const update = updates.length > 1 ? Y.mergeUpdates(updates) : updates[0];
					if (update) {
						await storage.docs.appendUpdate(record.id, update);
						deps.deliver(record.id, { kind: 'update', update });
						// Rewrites the stored state from the documents' current content: the erased values leave the stored bytes.
						await storage.docs.compact(record.id);
					}
					const relabelled = await storage.tokens.relabelInvitations(record.id, invitations.map((i) => i.id), kind === 'group' ? '' : 'Borttagen person');
					report.erased.push({ id: record.id, kind, title: record.title, places, invitations: relabelled });
				} finally {
					doc.destroy();
				}
			}
			log.info({ erased: report.erased.map((e) => e.id), kept: report.kept.map((k) => k.id) }, 'personal data erasure request');
			return report;
		}
	};
}

export type PersonalDataService = ReturnType<typeof createPersonalDataService>;
