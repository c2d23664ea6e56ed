/**
 * Confidential items (sekretess): the meeting document keeps what the public minutes show of
 * such an item (title, number, `confidentialGround`); its content — notes, decisions,
 * assignments, links, and its propositions and decision rounds (`voteDocOf`) — lives in the meeting's confidential part, a second Y.Doc (schema
 * CONFIDENTIAL_SCHEMA, root `items` keyed by item id) that the server sends only to roles
 * with `confidential.read` and that refuses to take such content into the meeting document
 * (docs/security.md, "Confidential items and observers").
 *
 * The session attaches the part to the meeting document when the role may read it; every
 * operation finds an item's content through `itemContentOf`, so the rest of the domain does
 * not care where it lives. Marking an item moves its content into the part (and deletes it
 * from the meeting document); making it public again moves it back.
 */
import * as Y from 'yjs';
import { invalidState } from './errors.js';
import { anchorAt, resolveAnchor } from './anchors.js';
import { childMap, roots, type EntityMap } from './doc.js';
import { splitPairKey } from './formal-doc.js';
import { ITEM_CONTENT_KEYS, VOTE_ROOT_KEYS } from './schema.js';

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
 * The document holding an item's propositions and decision rounds (votes.ts): the meeting
 * document for a public item, the confidential part for a confidential one — null when this
 * device has no part.
 */
export function voteDocOf(doc: Y.Doc, itemId: string): Y.Doc | null {
	const item = roots(doc).items.get(itemId);
	if (!(item instanceof Y.Map) || !isConfidentialItem(item)) return doc;
	return partOf(doc) ?? null;
}

/** Every document that may hold propositions and rounds: the meeting document, then the part when attached. */
export function voteDocsOf(doc: Y.Doc): Y.Doc[] {
	const part = partOf(doc);
	return part ? [doc, part] : [doc];
}

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

/** The flat vote roots a client moves: the server's own (secretVoted, secretTallies) stay where it wrote them. */
const MOVED_VOTE_ROOTS = VOTE_ROOT_KEYS.filter((key) => key !== 'secretVoted' && key !== 'secretTallies');

/** An item's entries in the flat vote roots of `from`: propositions and rounds by `itemId`, ballots by their round. */
function voteEntriesOf(from: Y.Doc, itemId: string): [string, string, unknown][] {
	const found: [string, string, unknown][] = [];
	const rounds = new Set<string>();
	for (const root of ['propositions', 'votes'] as const) {
		from.getMap(root).forEach((value, key) => {
			if ((value as { itemId?: unknown } | null)?.itemId !== itemId) return;
			found.push([root, key, value]);
			if (root === 'votes') rounds.add(key);
		});
	}
	from.getMap('ballots').forEach((value, key) => {
		const pair = splitPairKey(key);
		if (pair && rounds.has(pair[0])) found.push(['ballots', key, value]);
	});
	return found;
}

/** Copies an item's vote entries into `to` (in the caller's transaction of `to`); returns them, for deleting. */
function copyVotes(from: Y.Doc, to: Y.Doc, itemId: string): [string, string, unknown][] {
	const entries = voteEntriesOf(from, itemId).filter(([root]) => (MOVED_VOTE_ROOTS as readonly string[]).includes(root));
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
			if (hasContent(item) || voteEntriesOf(doc, itemId).length > 0) {
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
		if (hasEntry && voteEntriesOf(doc, itemId).every(([root]) => !(MOVED_VOTE_ROOTS as readonly string[]).includes(root))) return;
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
