/**
 * Reading participants and person references: shared by the meeting snapshot (read.ts)
 * and the formal procedure (quorum and votes), which count from the roster.
 */
import * as Y from 'yjs';
import { readEnum, readString, roots, sortedEntities, type EntityMap } from './doc.js';
import { defaultSection } from './participants.js';
import { ATTENDANCES, PARTICIPANT_ROLES, PARTICIPANT_SECTIONS, SEATS, type ItemScope, type Seat, type ParticipantView, type PersonView } from './types.js';

export type Plain = Record<string, unknown>;

export function plain(value: unknown): Plain | null {
	return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Plain) : null;
}

export function plainString(record: Plain, key: string): string | null {
	const value = record[key];
	return typeof value === 'string' ? value : null;
}

function readScope(value: unknown): ItemScope {
	const record = plain(value);
	if (record && (record.scope === 'only' || record.scope === 'except') && Array.isArray(record.itemIds)) {
		return { scope: record.scope, itemIds: record.itemIds.filter((id): id is string => typeof id === 'string') };
	}
	return { scope: 'all' };
}

export function readParticipant(id: string, map: EntityMap): ParticipantView {
	const role = readEnum(map, 'role', PARTICIPANT_ROLES, 'member');
	return {
		id,
		name: readString(map, 'name') ?? '',
		organisation: readString(map, 'organisation'),
		title: readString(map, 'title'),
		...(readString(map, 'email') ? { email: readString(map, 'email')! } : {}),
		role,
		section: readEnum(map, 'section', PARTICIPANT_SECTIONS, defaultSection(role)),
		attendance: readEnum(map, 'attendance', ATTENDANCES, 'room'),
		checkedIn: map.get('checkedIn') === true,
		checkedInAt: readString(map, 'checkedInAt'),
		items: readScope(map.get('items')),
		// Absent unless set, so the canonical export (and fingerprint) of a meeting without seats is unchanged.
		...((SEATS as readonly unknown[]).includes(map.get('seat')) ? { seat: map.get('seat') as Seat } : {}),
		...(map.get('serving') === true ? { serving: true } : {}),
		createdAt: readString(map, 'createdAt'),
		deletedAt: readString(map, 'deletedAt')
	};
}

export function personResolver(participants: Y.Map<EntityMap>) {
	return (value: unknown): PersonView | null => {
		const record = plain(value);
		if (!record) return null;
		const participantId = plainString(record, 'participantId');
		if (participantId !== null) {
			const map = participants.get(participantId);
			if (!(map instanceof Y.Map)) return { participantId, name: '', organisation: null };
			return { participantId, name: readString(map, 'name') ?? '', organisation: readString(map, 'organisation') };
		}
		const name = plainString(record, 'name');
		return name === null ? null : { participantId: null, name, organisation: null };
	};
}

export type Resolve = ReturnType<typeof personResolver>;

/** The participants not removed, in roster order (what quorum and voting rights are counted from). */
export function readRoster(doc: Y.Doc): ParticipantView[] {
	return sortedEntities(roots(doc).participants)
		.filter((p) => !p.deleted)
		.map((p) => readParticipant(p.id, p.map));
}

/** Resolves a stored `PersonRef` to a `PersonView` (removed participants included). */
export function resolvePerson(doc: Y.Doc, value: unknown): PersonView | null {
	return personResolver(roots(doc).participants)(value);
}


/**
 * The roster entry whose e-mail is `email` (compared ignoring case), for signing in without a
 * personal link. Null when none is, or when several are: an address shared by two entries
 * cannot say which role its holder has.
 */
export function participantByEmail(doc: Y.Doc, email: string): ParticipantView | null {
	const wanted = email.trim().toLowerCase();
	if (wanted === '') return null;
	const matches = readRoster(doc).filter((p) => p.email?.trim().toLowerCase() === wanted);
	return matches.length === 1 ? matches[0] : null;
}
