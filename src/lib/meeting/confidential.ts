/**
 * Confidential items (sekretess): the meeting document keeps what the public minutes show of
 * such an item (title, number, `confidentialGround`); its content — notes, decisions,
 * assignments, links (`itemContentOf`) — and its entries of the flat item roots — speaker list,
 * jäv, files, propositions, decision rounds and ballots (`itemDocOf`, ITEM_ROOT_KEYS) — live in
 * the meeting's confidential part, a second Y.Doc (schema CONFIDENTIAL_SCHEMA, root `items` keyed
 * by item id, and item roots of the same names as the meeting document's) that the server sends
 * only to roles with `confidential.read` and that refuses to take such content into the meeting
 * document (docs/security.md, "Confidential items and observers").
 *
 * The session attaches the part to the meeting document when the role may read it; every
 * operation finds an item's content and entries through these lookups, so the rest of the
 * domain does not care where they live. Marking an item moves them into the part (and deletes
 * them from the meeting document, in the same change as the ground); making it public again
 * moves them back. The server's own entries of secret votes follow their round
 * (`moveServerVoteEntries`, run by the server).
 */
import * as Y from 'yjs';
import { invalidState } from './errors.js';
import { anchorAt, resolveAnchor } from './anchors.js';
import { childMap, roots, type EntityMap } from './doc.js';
import { splitPairKey } from './formal-doc.js';
import { ITEM_CONTENT_KEYS, ITEM_ROOT_ENTRY, ITEM_ROOT_KEYS, type ItemRootKey } from './schema.js';

interface Attached {
	part: Y.Doc;
	/** Whether the part holds the server's state (or the device's copy of it): content can be moved out of it. */
	ready: () => boolean;
}

const attached = new WeakMap<Y.Doc, Attached>();
function partOf(doc: Y.Doc): Y.Doc | undefined {
	return attached.get(doc)?.part;
}

/**
 * Makes `part` the confidential part of `doc` (for this page); returns the detach function.
 * `ready`: whether the part has arrived (from the server or the device), so that making an
 * item public again finds its content there.
 */
export function attachConfidentialPart(doc: Y.Doc, part: Y.Doc, ready: () => boolean = () => true): () => void {
	const entry = { part, ready };
	attached.set(doc, entry);
	return () => {
		if (attached.get(doc) === entry) attached.delete(doc);
	};
}

/** The confidential part attached to `doc`, or null (an observer, a guest, a test without one). */
export function confidentialPartOf(doc: Y.Doc): Y.Doc | null {
	return partOf(doc) ?? null;
}

function partItems(part: Y.Doc): Y.Map<EntityMap> {
	return part.getMap<EntityMap>('items');
}

export function isConfidentialItem(item: Y.Map<unknown>): boolean {
	return typeof item.get('confidentialGround') === 'string';
}

/**
 * The map holding an item's content: the item itself, or for a confidential item its entry
 * in the confidential part — null when this device has no part (the role may not read it)
 * or the part has not brought the entry yet.
 */
export function itemContentOf(doc: Y.Doc, itemId: string): EntityMap | null {
	const item = roots(doc).items.get(itemId);
	if (!(item instanceof Y.Map)) return null;
	if (!isConfidentialItem(item)) return item;
	const part = partOf(doc);
	const entry = part ? partItems(part).get(itemId) : undefined;
	return entry instanceof Y.Map ? entry : null;
}

/**
 * The document holding an item's entries of the item roots (ITEM_ROOT_KEYS: hands, speaker
 * queue, speeches, jäv, files, propositions, decision rounds, ballots): the meeting document
 * for a public item, the confidential part for a confidential one — null when this device has
 * no part (an observer, a guest: they see none of it).
 */
export function itemDocOf(doc: Y.Doc, itemId: string): Y.Doc | null {
	const item = roots(doc).items.get(itemId);
	if (!(item instanceof Y.Map) || !isConfidentialItem(item)) return doc;
	return partOf(doc) ?? null;
}

/** The same lookup, for votes.ts. */
export const voteDocOf = itemDocOf;

/** Every document that may hold item-root entries: the meeting document, then the part when attached. */
export function itemDocsOf(doc: Y.Doc): Y.Doc[] {
	const part = partOf(doc);
	return part ? [doc, part] : [doc];
}

export const voteDocsOf = itemDocsOf;

/** Like `itemContentOf`, for operations that write: an unavailable content is an error. */
export function requireItemContent(doc: Y.Doc, itemId: string): EntityMap {
	const content = itemContentOf(doc, itemId);
	if (!content) throw invalidState(`item ${itemId} is confidential and its content is not available on this device`);
	return content;
}

function clone(value: unknown): unknown {
	if (value instanceof Y.Text) return new Y.Text(value.toString());
	if (value instanceof Y.Map) return new Y.Map([...value.entries()].map(([key, inner]) => [key, clone(inner)]));
	return value;
}

function hasContent(map: EntityMap): boolean {
	const notes = map.get('notes');
	if (notes instanceof Y.Text && notes.length > 0) return true;
	return ITEM_CONTENT_KEYS.some((key) => key !== 'notes' && (childMap(map, key)?.size ?? 0) > 0);
}

/**
 * Copies every content entry of `from` into `to` (both in a document, `to` empty), inside
 * the caller's transaction of `to`'s document. A decision's place in the notes is a relative
 * position into `from`'s text: it is anchored again at the same offset of the copy.
 */
function copyContent(from: EntityMap, to: EntityMap): void {
	let notes = to.get('notes');
	if (!(notes instanceof Y.Text)) {
		notes = new Y.Text();
		to.set('notes', notes);
	}
	const source = from.get('notes');
	const target = notes as Y.Text;
	if (source instanceof Y.Text && source.length > 0) target.insert(0, source.toString());
	for (const key of ITEM_CONTENT_KEYS) {
		if (key === 'notes') continue;
		let into = childMap(to, key);
		if (!into) {
			into = new Y.Map();
			to.set(key, into);
		}
		const entries = childMap(from, key);
		if (!entries) continue;
		for (const [id, value] of entries.entries()) {
			const copy = clone(value);
			into.set(id, copy as EntityMap);
			if (key === 'decisions' && copy instanceof Y.Map && value instanceof Y.Map && value.get('notesAnchor')) {
				const offset = source instanceof Y.Text ? resolveAnchor(source, value.get('notesAnchor')) : null;
				copy.set('notesAnchor', offset === null ? null : anchorAt(target, offset));
			}
		}
	}
}

/** Empties an item's content in place (the containers stay: an item always has them). */
function clearContent(map: EntityMap): void {
	const notes = map.get('notes');
	if (notes instanceof Y.Text && notes.length > 0) notes.delete(0, notes.length);
	for (const key of ITEM_CONTENT_KEYS) {
		if (key === 'notes') continue;
		const entries = childMap(map, key);
		if (entries) for (const id of [...entries.keys()]) entries.delete(id);
	}
}

/** The item roots a client moves: the server's own (secretVoted, secretTallies) are moved by the server (`moveServerVoteEntries`). */
const MOVED_ROOTS: readonly ItemRootKey[] = ITEM_ROOT_KEYS.filter((key) => key !== 'secretVoted' && key !== 'secretTallies');

/** The rounds of `from` that belong to the item. */
function roundsOf(from: Y.Doc, itemId: string): Set<string> {
	const rounds = new Set<string>();
	from.getMap('votes').forEach((value, key) => {
		if ((value as { itemId?: unknown } | null)?.itemId === itemId) rounds.add(key);
	});
	return rounds;
}

/**
 * An item's entries in the item roots of `from` (ITEM_ROOT_KEYS, by ITEM_ROOT_ENTRY): hands,
 * queue and jäv by their key, speeches, files, propositions and rounds by `itemId`, ballots and
 * the server's entries by their round (`rounds`, by default the item's rounds in `from`).
 */
function itemEntriesOf(from: Y.Doc, itemId: string, roots: readonly ItemRootKey[] = ITEM_ROOT_KEYS, rounds = roundsOf(from, itemId)): [string, string, unknown][] {
	const found: [string, string, unknown][] = [];
	for (const root of roots) {
		const how = ITEM_ROOT_ENTRY[root];
		from.getMap(root).forEach((value, key) => {
			const pair = how === 'key' || how === 'round-pair' ? splitPairKey(key) : null;
			const belongs =
				how === 'key' ? pair?.[0] === itemId
				: how === 'value' ? (value as { itemId?: unknown } | null)?.itemId === itemId
				: how === 'round-pair' ? pair !== null && rounds.has(pair[0])
				: rounds.has(key);
			if (belongs) found.push([root, key, value]);
		});
	}
	return found;
}

/** Copies an item's entries of the client-moved roots into `to` (in the caller's transaction of `to`); returns them, for deleting. */
function copyVotes(from: Y.Doc, to: Y.Doc, itemId: string): [string, string, unknown][] {
	const entries = itemEntriesOf(from, itemId, MOVED_ROOTS);
	for (const [root, key, value] of entries) to.getMap(root).set(key, value);
	return entries;
}

function deleteVotes(from: Y.Doc, entries: [string, string, unknown][]): void {
	for (const [root, key] of entries) from.getMap(root).delete(key);
}

/**
 * Sets an item's ground and moves its content where it now belongs: into the part when it
 * becomes confidential (deleted from the meeting document in the same change as the ground,
 * so the server sees no confidential content), back when it becomes public. Needs the part
 * unless there is nothing to move. `value` is validated by the caller.
 */
export function moveItemContent(doc: Y.Doc, item: EntityMap, itemId: string, value: string | null): void {
	const wasConfidential = isConfidentialItem(item);
	const part = partOf(doc) ?? null;
	if (value !== null && !wasConfidential) {
		if (!part) {
			if (hasContent(item) || itemEntriesOf(doc, itemId, MOVED_ROOTS).length > 0) {
				throw invalidState('the confidential part is not open on this device: the content cannot be moved');
			}
			doc.transact(() => item.set('confidentialGround', value));
			return;
		}
		let votes: [string, string, unknown][] = [];
		part.transact(() => {
			const entry: EntityMap = new Y.Map();
			partItems(part).set(itemId, entry);
			copyContent(item, entry);
			votes = copyVotes(doc, part, itemId);
		});
		doc.transact(() => {
			item.set('confidentialGround', value);
			clearContent(item);
			deleteVotes(doc, votes);
		});
		return;
	}
	if (value === null && wasConfidential) {
		if (!part || !attached.get(doc)?.ready()) throw invalidState('the confidential part has not arrived on this device: the content cannot be moved back');
		const entry = partItems(part).get(itemId);
		let votes: [string, string, unknown][] = [];
		doc.transact(() => {
			item.set('confidentialGround', null);
			if (entry instanceof Y.Map) copyContent(entry, item);
			votes = copyVotes(part, doc, itemId);
		});
		part.transact(() => {
			if (entry) partItems(part).delete(itemId);
			deleteVotes(part, votes);
		});
		return;
	}
	doc.transact(() => item.set('confidentialGround', value));
}

/**
 * Items marked confidential whose content is not in the part yet — marked before the part
 * existed (their content still in the meeting document), or on a device without it — get
 * their entry there, with that content moved; propositions and rounds of a confidential item
 * still in the meeting document (written before they moved into the part) are moved too. Run
 * by those who run the meeting once both documents hold the server's state, so an entry
 * another device made is not replaced. Returns the ids it adopted.
 */
export function adoptConfidentialItems(doc: Y.Doc): string[] {
	const part = partOf(doc);
	if (!part) return [];
	const adopted: string[] = [];
	roots(doc).items.forEach((item, itemId) => {
		if (!(item instanceof Y.Map) || !isConfidentialItem(item)) return;
		const hasEntry = partItems(part).has(itemId);
		if (hasEntry && itemEntriesOf(doc, itemId, MOVED_ROOTS).length === 0) return;
		let votes: [string, string, unknown][] = [];
		part.transact(() => {
			if (!hasEntry) {
				const entry: EntityMap = new Y.Map();
				partItems(part).set(itemId, entry);
				copyContent(item, entry);
			}
			votes = copyVotes(doc, part, itemId);
		});
		if ((!hasEntry && hasContent(item)) || votes.length > 0) {
			doc.transact(() => {
				if (!hasEntry) clearContent(item);
				deleteVotes(doc, votes);
			});
		}
		adopted.push(itemId);
	});
	return adopted;
}

/**
 * The server's own entries of secret votes (`secretVoted`, `secretTallies`: no client may write
 * or delete them) follow their round: those in one document whose round the other document holds
 * (the round moved when the item was marked or made public) are moved there. Run by the server
 * (server/votes/confidential-moves.ts) after a write that may have moved rounds, on the stored
 * documents with the part attached; returns how many entries it moved.
 */
export function moveServerVoteEntries(doc: Y.Doc): number {
	const part = partOf(doc);
	if (!part) return 0;
	let moved = 0;
	const move = (from: Y.Doc, to: Y.Doc) => {
		const fromRounds = from.getMap('votes');
		const toRounds = to.getMap('votes');
		const rounds = new Set([...toRounds.keys()].filter((roundId) => !fromRounds.has(roundId)));
		if (rounds.size === 0) return;
		const entries: [string, string, unknown][] = [];
		for (const root of ['secretVoted', 'secretTallies'] as const) {
			from.getMap(root).forEach((value, key) => {
				const roundId = root === 'secretTallies' ? key : (splitPairKey(key)?.[0] ?? '');
				if (rounds.has(roundId)) entries.push([root, key, value]);
			});
		}
		if (entries.length === 0) return;
		to.transact(() => {
			for (const [root, key, value] of entries) to.getMap(root).set(key, value);
		});
		from.transact(() => deleteVotes(from, entries));
		moved += entries.length;
	};
	move(doc, part);
	move(part, doc);
	return moved;
}
