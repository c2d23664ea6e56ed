/**
 * The roots of formal meeting procedure (speaker list, propositions, votes, jäv per item)
 * and their keys. Every root is top-level and flat: a nested map created lazily by two
 * replicas at once would keep only one of them (and every hand raised into the other), and a
 * participant who may only write their own entries could not create the container.
 *
 * What a participant writes for themselves is keyed `<scopeId>:<participantId>` (hands:
 * `<itemId>:<participantId>`; ballots: `<voteId>:<participantId>`), so the server can check
 * "only their own" from the key alone. Everything else is written by those who run the meeting.
 */
import type * as Y from 'yjs';
import { invalid } from './errors.js';

export interface FormalRoots {
	/** `<itemId>:<participantId>` → `{ raised, kind, at }`: written by the participant. */
	readonly hands: Y.Map<unknown>;
	/** `<itemId>:<participantId>` → `{ handAt, kind, order, queuedAt } | null`: the queue as the chair's replica admitted it. */
	readonly speakerQueue: Y.Map<unknown>;
	/** `<speechId>` → `{ itemId, participantId, kind, startedAt, endedAt, limitSeconds }`. */
	readonly speeches: Y.Map<unknown>;
	/** `<propositionId>` → `{ itemId, kind, label, text, mover, order, createdAt, deletedAt }`. */
	readonly propositions: Y.Map<unknown>;
	/** `<voteId>` → the vote record (plain, replaced as a whole). */
	readonly votes: Y.Map<unknown>;
	/** `<voteId>:<participantId>` → `{ choice, at, recordedBy }`: written once. */
	readonly ballots: Y.Map<unknown>;
	/** `<itemId>:<participantId>` → `{ note, at } | null`: jäv for a whole item. */
	readonly itemConflicts: Y.Map<unknown>;
	/** `<voteId>:<participantId>` → true: has voted in a secret vote. Written only by the server. */
	readonly secretVoted: Y.Map<unknown>;
	/** `<voteId>` → `{ yes, no, abstain }`: a secret vote's count, written by the server when it closes. */
	readonly secretTallies: Y.Map<unknown>;
}

export function formalRoots(doc: Y.Doc): FormalRoots {
	return {
		hands: doc.getMap('hands'),
		speakerQueue: doc.getMap('speakerQueue'),
		speeches: doc.getMap('speeches'),
		propositions: doc.getMap('propositions'),
		votes: doc.getMap('votes'),
		ballots: doc.getMap('ballots'),
		itemConflicts: doc.getMap('itemConflicts'),
		secretVoted: doc.getMap('secretVoted'),
		secretTallies: doc.getMap('secretTallies')
	};
}

/** Ids are 16 URL-safe characters and never contain ':'. */
export function pairKey(scopeId: string, participantId: string): string {
	return `${scopeId}:${participantId}`;
}

export function splitPairKey(key: string): [string, string] | null {
	const at = key.indexOf(':');
	if (at <= 0 || at === key.length - 1 || key.indexOf(':', at + 1) !== -1) return null;
	return [key.slice(0, at), key.slice(at + 1)];
}

export type Plain = Record<string, unknown>;

export function plainRecord(value: unknown): Plain | null {
	return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Plain) : null;
}

export function str(record: Plain, key: string): string | null {
	const value = record[key];
	return typeof value === 'string' ? value : null;
}

/** The entries of a flat root whose key starts with `<scopeId>:`, as [participantId, record]. */
export function entriesFor(map: Y.Map<unknown>, scopeId: string): [string, Plain][] {
	const out: [string, Plain][] = [];
	map.forEach((value, key) => {
		const pair = splitPairKey(key);
		const record = plainRecord(value);
		if (pair && pair[0] === scopeId && record) out.push([pair[1], record]);
	});
	return out;
}

export function idArg(value: unknown, field: string): string {
	if (typeof value !== 'string' || value.length === 0 || value.includes(':')) throw invalid(field, 'must be an id');
	return value;
}
