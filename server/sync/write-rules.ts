/**
 * Whether a connection may make a set of writes: every place must exist in the document's
 * schema and hold what the schema says (else 'invalid'), and the connection's role must
 * cover the place's write scope (else 'forbidden'), from the one role table
 * (src/lib/protocol/roles.ts):
 *
 * - 'run' (the record) needs record.write: organiser, chair, secretary;
 * - 'notes' (the text of an item's notes) needs notes.write; a guest writes only in the
 *   items they attend (their participant's item scope) or present;
 * - 'self' (check-in and attendance; a raised hand; a ballot) needs attendance.self and the
 *   participant the invitation names — the participant's own entry, or an entry keyed
 *   `<scope>:<participantId>` —, or record.write. A ballot is cast once, only while its vote
 *   is open and lists the voter, and never in a secret (closed) vote: nobody, runners
 *   included, writes a ballot for one — those are cast through the server (server/votes);
 * - 'any' (the group document) needs document.write;
 * - 'never': deleting from the append-only live flow log.
 *
 * And, in the meeting document, for every role: nothing is written into a confidential item's
 * content (notes, decisions, assignments, links) nor its entries of the item roots (hands,
 * speaker queue, speeches, jäv, files, propositions, rounds, ballots) — those live in the
 * meeting's confidential part, which observers never receive (docs/security.md, "Confidential items").
 */
import * as Y from 'yjs';
import { can } from '../../src/lib/protocol/roles.ts';
import { ITEM_CONTENT_KEYS, ITEM_ROOT_ENTRY, ITEM_ROOT_KEYS, type ItemRootKey } from '../../src/lib/meeting/schema.ts';
import { checkContent, placeOf, textMax, type DocumentSchema, type Place } from '../../src/lib/meeting/schema-language.ts';
import type { Write } from '../../src/lib/meeting/writes.ts';

export interface Writer {
	role: string;
	/** The participant the connection's invitation names, if any. */
	participantId: string | null;
}

export type Verdict = { ok: true } | { ok: false; code: 'forbidden' | 'invalid'; rule: string };

const forbidden = (rule: string): Verdict => ({ ok: false, code: 'forbidden', rule });
const invalid = (rule: string): Verdict => ({ ok: false, code: 'invalid', rule });

function describe(write: Write): string {
	return [write.root, ...write.path.map((segment) => segment ?? '#')].join('/');
}

/** Whether a guest attends or presents the item (a sub-item counts with its parent). */
export function guestAttends(doc: Y.Doc, participantId: string | null, itemId: string | null): boolean {
	if (participantId === null || itemId === null) return false;
	const items = doc.getMap<Y.Map<unknown>>('items');
	const participant = doc.getMap<Y.Map<unknown>>('participants').get(participantId);
	const item = items.get(itemId);
	if (!(participant instanceof Y.Map) || !(item instanceof Y.Map)) return false;
	const parentId = item.get('parentId');
	const ids = typeof parentId === 'string' ? [itemId, parentId] : [itemId];
	const presents = (ref: unknown) => typeof ref === 'object' && ref !== null && (ref as { participantId?: unknown }).participantId === participantId;
	for (const id of ids) {
		const presenters = items.get(id)?.get('presenters');
		if (Array.isArray(presenters) && presenters.some(presents)) return true;
	}
	const scope = participant.get('items') as { scope?: unknown; itemIds?: unknown } | undefined;
	const listed = Array.isArray(scope?.itemIds) ? (scope.itemIds as unknown[]) : [];
	switch (scope?.scope) {
		case 'only':
			return ids.some((id) => listed.includes(id));
		case 'except':
			return !ids.some((id) => listed.includes(id));
		default:
			return true;
	}
}

/** Whether a 'self' place is the writer's own: their participant, or an entry keyed with their id (and, for a ballot, castable). */
function isOwn(doc: Y.Doc, participantId: string | null, write: Write, entity: string | null): boolean {
	if (participantId === null || entity === null) return false;
	if (write.root === 'participants') return entity === participantId;
	const separator = entity.lastIndexOf(':');
	if (separator < 0 || entity.slice(separator + 1) !== participantId) return false;
	if (write.root !== 'ballots') return true;
	// One ballot per voter: never replaced or withdrawn, and only into an open vote that lists them.
	if (write.kind === 'delete' || doc.getMap('ballots').has(entity)) return false;
	const vote = doc.getMap('votes').get(entity.slice(0, separator)) as { status?: unknown; voters?: unknown } | undefined;
	return vote?.status === 'open' && Array.isArray(vote.voters) && vote.voters.includes(participantId);
}

/** The rounds this update writes as secret votes (a round opened offline may come with ballots in the same update). */
function secretRoundsWritten(writes: readonly Write[]): Set<string> {
	const rounds = new Set<string>();
	for (const write of writes) {
		if (write.root !== 'votes' || write.kind !== 'insert' || !(write.content instanceof Y.ContentAny)) continue;
		const roundId = write.path[0];
		const written = write.content.getContent().some((value) => (value as { method?: unknown } | null)?.method === 'closed');
		if (typeof roundId === 'string' && written) rounds.add(roundId);
	}
	return rounds;
}

/** Whether a ballot place belongs to a secret vote, as the document holds it or as this update writes it. */
function isSecretBallot(doc: Y.Doc, entity: string | null, secretRounds: ReadonlySet<string>): boolean {
	const roundId = entity?.slice(0, entity.indexOf(':')) ?? '';
	if (secretRounds.has(roundId)) return true;
	return (doc.getMap('votes').get(roundId) as { method?: unknown } | undefined)?.method === 'closed';
}

function mayWrite(doc: Y.Doc, writer: Writer, write: Write, place: Place, secretRounds: ReadonlySet<string>): boolean {
	const deletingFromLog = write.kind === 'delete' && place.at === 'position' && place.node.y === 'log';
	if (deletingFromLog) return false;
	if (write.root === 'ballots' && write.kind === 'insert' && isSecretBallot(doc, place.entity, secretRounds)) return false;
	if (can(writer.role, 'record.write')) return place.write !== 'never';
	switch (place.write) {
		case 'notes':
			if (!can(writer.role, 'notes.write')) return false;
			return writer.role !== 'guest' || (write.root === 'items' && guestAttends(doc, writer.participantId, place.entity));
		case 'any':
			return can(writer.role, 'document.write');
		case 'self':
			return can(writer.role, 'attendance.self') && isOwn(doc, writer.participantId, write, place.entity);
		default:
			return false;
	}
}

/**
 * Whether an item is confidential for this update. Judged on the state after it where the
 * update writes the item's ground itself (an offline "unmark, then write" arrives as one
 * update): confidential if the update gives it a ground; not if it only clears or removes it;
 * otherwise as the document holds it. Two values written at once count as confidential.
 */
function confidentialAfter(doc: Y.Doc, writes: readonly Write[]): (itemId: string) => boolean {
	const written = new Map<string, boolean>();
	for (const write of writes) {
		if (write.root !== 'items' || write.path.length !== 2 || write.path[1] !== 'confidentialGround' || typeof write.path[0] !== 'string') continue;
		const given = write.kind === 'insert' && write.content instanceof Y.ContentAny && write.content.getContent().some((value) => value !== null);
		written.set(write.path[0], (written.get(write.path[0]) ?? false) || given);
	}
	const items = doc.getMap<Y.Map<unknown>>('items');
	return (itemId) => {
		const given = written.get(itemId);
		if (given !== undefined) return given;
		const item = items.get(itemId);
		return item instanceof Y.Map && typeof item.get('confidentialGround') === 'string';
	};
}

/**
 * The first write that puts content into a confidential item of the meeting document, or null.
 * An empty container (the item's notes text, its decisions map) and deleted content carry
 * nothing and are let through: an item is created with them, and a replica that wrote notes
 * before the item was marked sends them as deleted once it has seen the move.
 */
function confidentialBreach(doc: Y.Doc, writes: readonly Write[]): Write | null {
	let confidential: ((itemId: string) => boolean) | null = null;
	for (const write of writes) {
		if (write.kind !== 'insert' || write.root !== 'items' || write.path.length < 2) continue;
		const [itemId, key] = write.path;
		if (typeof itemId !== 'string' || !(ITEM_CONTENT_KEYS as readonly (string | null)[]).includes(key)) continue;
		if (write.content instanceof Y.ContentDeleted || (write.path.length === 2 && write.content instanceof Y.ContentType)) continue;
		confidential ??= confidentialAfter(doc, writes);
		if (confidential(itemId)) return write;
	}
	return null;
}

/** The item ids a plain entry written into a flat root names (a speech's, file's, proposition's or round's `itemId`). */
function itemIdsWritten(write: Write): string[] {
	if (!(write.content instanceof Y.ContentAny)) return [];
	return write.content
		.getContent()
		.map((value) => (value as { itemId?: unknown } | null)?.itemId)
		.filter((itemId): itemId is string => typeof itemId === 'string');
}

/**
 * The first write that puts an entry of a confidential item into one of the meeting document's
 * item roots (ITEM_ROOT_KEYS: hands, speaker queue, speeches, jäv, files, propositions, rounds,
 * ballots), or null: they belong in the confidential part (confidential.ts `itemDocOf`). An
 * entry's item is found as ITEM_ROOT_ENTRY says: its key `<itemId>:<participantId>`, its value's
 * `itemId`, or its round's, as the document holds it or as this update writes it. Deleted
 * content carries nothing and passes (the move out of the meeting document deletes).
 */
function confidentialEntryBreach(doc: Y.Doc, writes: readonly Write[]): Write | null {
	let confidential: ((itemId: string) => boolean) | null = null;
	const roundItems = new Map<string, string>();
	for (const write of writes) {
		if (write.root === 'votes' && write.kind === 'insert' && typeof write.path[0] === 'string') {
			for (const itemId of itemIdsWritten(write)) roundItems.set(write.path[0], itemId);
		}
	}
	const votes = doc.getMap('votes');
	const roundItem = (roundId: string): string[] => {
		const itemId = roundItems.get(roundId) ?? (votes.get(roundId) as { itemId?: unknown } | undefined)?.itemId;
		return typeof itemId === 'string' ? [itemId] : [];
	};
	for (const write of writes) {
		if (write.kind !== 'insert' || write.path.length !== 1 || typeof write.path[0] !== 'string') continue;
		if (!(ITEM_ROOT_KEYS as readonly string[]).includes(write.root) || write.content instanceof Y.ContentDeleted) continue;
		const key = write.path[0];
		const pairScope = key.includes(':') ? key.slice(0, key.indexOf(':')) : null;
		let itemIds: string[];
		switch (ITEM_ROOT_ENTRY[write.root as ItemRootKey]) {
			case 'key':
				// The key names the item, whatever the value (also a null: who had a hand up or jäv).
				itemIds = pairScope === null ? [] : [pairScope];
				break;
			case 'value':
				itemIds = itemIdsWritten(write);
				break;
			case 'round-pair':
				itemIds = pairScope === null ? [] : roundItem(pairScope);
				break;
			case 'round':
				itemIds = roundItem(key);
				break;
		}
		confidential ??= confidentialAfter(doc, writes);
		if (itemIds.some(confidential)) return write;
	}
	return null;
}

/** Judges every write of one update against `schema` and the writer's role; the first breach decides. */
export function judgeWrites(schema: DocumentSchema, doc: Y.Doc, writer: Writer, writes: readonly Write[]): Verdict {
	if (schema.name === 'meeting') {
		const breach = confidentialBreach(doc, writes);
		if (breach) return forbidden(`${describe(breach)}: a confidential item's content belongs in the confidential part`);
		const entryBreach = confidentialEntryBreach(doc, writes);
		if (entryBreach) return forbidden(`${describe(entryBreach)}: a confidential item's speaker list, jäv, files, propositions and votes belong in the confidential part`);
	}
	const added = new Map<string, { length: number; base: number; max: number }>();
	const secretRounds = secretRoundsWritten(writes);
	for (const write of writes) {
		const place = placeOf(schema, write.root, write.path);
		if ('problem' in place) return invalid(place.problem);
		if (write.kind === 'insert' && write.content) {
			const problem = checkContent(place, write.content);
			if (problem) return invalid(`${describe(write)}: ${problem}`);
			const max = textMax(place);
			if (max !== null && !(write.content instanceof Y.ContentDeleted)) {
				const key = describe(write);
				const sum = added.get(key) ?? { length: 0, base: write.type instanceof Y.Text ? write.type.length : 0, max };
				sum.length += write.length;
				if (sum.base + sum.length > sum.max) return invalid(`${key}: longer than ${max} characters`);
				added.set(key, sum);
			}
		}
		if (!mayWrite(doc, writer, write, place, secretRounds)) return forbidden(`${describe(write)}: the role ${writer.role} may not ${write.kind === 'insert' ? 'write' : 'delete'} here`);
	}
	return { ok: true };
}
