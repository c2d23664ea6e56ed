/**
 * Who may vote on an item and whether the meeting is quorate (beslutför) for it, from the
 * roster and attendance: ledamöter, and ersättare only while serving (tjänstgörande);
 * present means checked in, not absent and attending the item ("endast/ej punkt"); jäv on
 * the item takes someone out of both the vote and the count. More than half of the
 * ordinary seats must be present (kommunallagen 6 kap. 27 §).
 */
import * as Y from 'yjs';
import { invalid, invalidState, notFound } from './errors.js';
import { getLiveEntity, readString, requireWritable, roots, type EntityMap } from './doc.js';
import { itemDocOf, itemDocsOf, moveItemContent } from './confidential.js';
import { formalRoots, idArg, pairKey, plainRecord, splitPairKey, str, type Plain } from './formal-doc.js';
import { isRemovedEffectively } from './structure.js';
import type { ItemScope, ParticipantView, TimeInput } from './types.js';
import { optionalText, timestamp } from './validate.js';

export interface ItemConflictView {
	readonly participantId: string;
	readonly note: string | null;
	readonly at: string | null;
}

export interface QuorumView {
	readonly itemId: string;
	/** Ordinary seats (ledamöter) in the roster. */
	readonly seats: number;
	/** More than half of the seats. */
	readonly required: number;
	/** Participants with the right to vote on the item who are present for it, in roster order. */
	readonly voters: readonly string[];
	readonly quorate: boolean;
	/** Jäv declared for the whole item. */
	readonly conflicts: readonly ItemConflictView[];
}

function attendsItem(scope: ItemScope, itemId: string, parentId: string | null): boolean {
	if (scope.scope === 'all') return true;
	const named = scope.itemIds.includes(itemId) || (parentId !== null && scope.itemIds.includes(parentId));
	return scope.scope === 'only' ? named : !named;
}

/**
 * Jäv declared for the item. A confidential item's live in the confidential part (`itemDocOf`):
 * a device without it reads none.
 */
export function readItemConflicts(doc: Y.Doc, itemId: string, options: { mainDocumentOnly?: boolean } = {}): ItemConflictView[] {
	// `mainDocumentOnly`: as the server holds the meeting document (the canonical export). Otherwise the
	// item's own document, then the other (an entry not moved yet: an item marked by an older version).
	const home = itemDocOf(doc, itemId);
	const docs = options.mainDocumentOnly ? [doc] : itemDocsOf(doc).sort((a, b) => (a === home ? -1 : b === home ? 1 : 0));
	const byParticipant = new Map<string, Plain | null>();
	for (const at of docs) {
		formalRoots(at).itemConflicts.forEach((value, key) => {
			const pair = splitPairKey(key);
			if (pair && pair[0] === itemId && !byParticipant.has(pair[1])) byParticipant.set(pair[1], plainRecord(value));
		});
	}
	return [...byParticipant.entries()]
		.flatMap(([participantId, record]): [string, Plain][] => (record ? [[participantId, record]] : []))
		.map(([participantId, record]) => ({ participantId, note: str(record, 'note'), at: str(record, 'at') }))
		.sort((a, b) => ((a.at ?? '') < (b.at ?? '') ? -1 : (a.at ?? '') > (b.at ?? '') ? 1 : a.participantId < b.participantId ? -1 : 1));
}

/** Whether this participant holds a vote on the item when present: a ledamot, or a serving ersättare. */
export function hasSeatVote(person: Pick<ParticipantView, 'seat' | 'serving'>): boolean {
	return person.seat === 'ordinary' || (person.seat === 'deputy' && person.serving === true);
}

/**
 * Quorum and voters for an item from a roster snapshot. `participants` are the live
 * (not removed) participants in roster order, as `readMeeting` lists them.
 */
export function quorumFor(doc: Y.Doc, itemId: string, participants: readonly ParticipantView[]): QuorumView {
	const item = roots(doc).items.get(itemId);
	const parentId = item instanceof Y.Map ? readString(item, 'parentId') : null;
	const conflicts = readItemConflicts(doc, itemId);
	const jav = new Set(conflicts.map((c) => c.participantId));
	const seats = participants.filter((p) => p.seat === 'ordinary').length;
	const voters = participants
		.filter(
			(p) =>
				hasSeatVote(p) && p.checkedIn && p.attendance !== 'absent' && attendsItem(p.items, itemId, parentId) && !jav.has(p.id)
		)
		.map((p) => p.id);
	const required = Math.floor(seats / 2) + 1;
	return { itemId, seats, required, voters, quorate: seats > 0 && voters.length >= required, conflicts };
}

function conflictDoc(doc: Y.Doc, itemId: string): Y.Doc {
	const at = itemDocOf(doc, itemId);
	if (!at) throw invalidState(`item ${itemId} is confidential and its jäv is not available on this device`);
	return at;
}

/** Jäv for a whole item: the participant takes no part in its handling, its votes or its quorum. */
export function setItemConflict(
	doc: Y.Doc,
	itemId: string,
	participantId: string,
	input: { note?: string | null; now?: TimeInput } = {}
): void {
	const { items, participants } = requireWritable(doc);
	getLiveEntity(items, idArg(itemId, 'itemId'), 'item');
	if (!(participants.get(idArg(participantId, 'participantId')) instanceof Y.Map)) throw notFound('participant', participantId);
	const note = optionalText(input.note, 'note') ?? null;
	const at = timestamp(input.now);
	const place = conflictDoc(doc, itemId);
	place.transact(() => formalRoots(place).itemConflicts.set(pairKey(itemId, participantId), { note, at }));
}

export function clearItemConflict(doc: Y.Doc, itemId: string, participantId: string): void {
	requireWritable(doc);
	const key = pairKey(idArg(itemId, 'itemId'), idArg(participantId, 'participantId'));
	const place = conflictDoc(doc, itemId);
	const conflicts = formalRoots(place).itemConflicts;
	if (conflicts.get(key) == null) throw notFound('conflict of interest', key);
	place.transact(() => conflicts.set(key, null));
}

/**
 * Marks an item confidential (sekretess) with its legal ground, e.g. "OSL 39 kap. 3 §",
 * or public again with null. The public minutes print the title and the ground only; the
 * content moves into the meeting's confidential part and back (confidential.ts).
 */
export function setItemConfidential(doc: Y.Doc, itemId: string, ground: string | null): void {
	const { items } = requireWritable(doc);
	const item: EntityMap = getLiveEntity(items, idArg(itemId, 'itemId'), 'item');
	if (isRemovedEffectively(items, itemId)) throw invalidState(`item ${itemId} is removed`);
	if (ground !== null && typeof ground !== 'string') throw invalid('ground', 'must be a string or null');
	const value = ground === null ? null : optionalText(ground, 'ground', 200);
	if (ground !== null && !value) throw invalid('ground', 'must name the legal ground, e.g. OSL 39 kap. 3 §');
	moveItemContent(doc, item, itemId, value ?? null);
}
