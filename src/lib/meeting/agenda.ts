import * as Y from 'yjs';
import { invalid, invalidState, notFound } from './errors.js';
import {
	applyRekey,
	checkPersonRefs,
	childMap,
	getEntity,
	getLiveEntity,
	readString,
	replaceText,
	requireWritable,
	roots,
	type EntityMap
} from './doc.js';
import { requireItemContent } from './confidential.js';
import { newId } from './ids.js';
import { readLiveState } from './live.js';
import { appendKey, placeAt } from './order.js';
import { flattenAgenda, isRemovedEffectively, liveSiblings } from './structure.js';
import { DECISION_NUMBERINGS, ITEM_KINDS, type DocumentLinkInput, type ItemInput, type ItemPatch, type LiveOptions } from './types.js';
import {
	LIMITS,
	index as validIndex,
	oneOf,
	optionalMinutes,
	optionalText,
	personRefs,
	rawText,
	requiredText,
	timestamp,
	url
} from './validate.js';

function itemWrites(patch: ItemPatch, participants: Y.Map<EntityMap>): Map<string, unknown> {
	if (typeof patch !== 'object' || patch === null) throw invalid('item', 'must be an object');
	const writes = new Map<string, unknown>();
	if (patch.title !== undefined) writes.set('title', requiredText(patch.title, 'title'));
	if (patch.kind !== undefined) writes.set('kind', patch.kind === null ? null : oneOf(patch.kind, ITEM_KINDS, 'kind'));
	const minutes = optionalMinutes(patch.plannedMinutes, 'plannedMinutes');
	if (minutes !== undefined) writes.set('plannedMinutes', minutes);
	for (const key of ['presenters', 'guests'] as const) {
		if (patch[key] === undefined) continue;
		const refs = personRefs(patch[key], key);
		checkPersonRefs(participants, refs, key);
		writes.set(key, refs);
	}
	const heading = optionalText((patch as ItemPatch).heading, 'heading', LIMITS.title);
	if (heading !== undefined) writes.set('heading', heading);
	const numbering = (patch as ItemPatch).decisionNumbering;
	if (numbering !== undefined) {
		writes.set('decisionNumbering', numbering === null ? null : oneOf(numbering, DECISION_NUMBERINGS, 'decisionNumbering'));
	}
	return writes;
}

function insertItem(doc: Y.Doc, parentId: string | null, input: ItemInput): string {
	const { items, participants } = requireWritable(doc);
	if (typeof input !== 'object' || input === null) throw invalid('item', 'must be an object');
	if (input.title === undefined) throw invalid('title', 'is required');
	const writes = itemWrites(input, participants);
	const notes = input.notes === undefined ? '' : rawText(input.notes, 'notes');
	const at = validIndex(input.index, 'index');
	const createdAt = timestamp(input.now);
	const placement = placeAt(liveSiblings(items, parentId), at);
	const id = newId();
	doc.transact(() => {
		const map: EntityMap = new Y.Map();
		map.set('parentId', parentId);
		map.set('kind', null);
		map.set('plannedMinutes', null);
		map.set('presenters', []);
		map.set('guests', []);
		for (const [key, value] of writes) map.set(key, value);
		map.set('order', placement.key);
		map.set('createdAt', createdAt);
		map.set('deletedAt', null);
		map.set('notes', new Y.Text(notes));
		map.set('decisions', new Y.Map());
		map.set('assignments', new Y.Map());
		map.set('documents', new Y.Map());
		map.set('extractRecipients', new Y.Map());
		applyRekey(items, placement.rekeyed);
		items.set(id, map);
	});
	return id;
}

/** Adds a top-level agenda item; returns its id. Its number follows from its position. */
export function addItem(doc: Y.Doc, input: ItemInput): string {
	return insertItem(doc, null, input);
}

/** Adds a sub-item (4a, 4b, …) under a top-level item. */
export function addSubItem(doc: Y.Doc, parentId: string, input: ItemInput): string {
	const { items } = requireWritable(doc);
	requireTopLevelParent(items, parentId);
	return insertItem(doc, parentId, input);
}

function requireTopLevelParent(items: Y.Map<EntityMap>, parentId: string): void {
	getLiveEntity(items, parentId, 'parent item');
	const parent = flattenAgenda(items).find((item) => item.id === parentId);
	if (!parent || parent.removed) throw invalidState(`parent item ${parentId} is removed`);
	if (parent.depth !== 0) throw invalid('parentId', 'sub-items cannot have sub-items');
}

export function updateItem(doc: Y.Doc, id: string, patch: ItemPatch): void {
	const { items, participants } = requireWritable(doc);
	const map = getLiveEntity(items, id, 'item');
	const writes = itemWrites(patch, participants);
	doc.transact(() => {
		for (const [key, value] of writes) map.set(key, value);
	});
}

/**
 * Moves an item to `index` among the siblings under `parentId` (null = top level; omitted
 * = its current parent). Only its order key and parent change, so concurrent moves never
 * duplicate or drop an item; the last writer's position wins for the same item.
 */
export function moveItem(doc: Y.Doc, id: string, target: { parentId?: string | null; index: number }): void {
	const { items } = requireWritable(doc);
	const map = getLiveEntity(items, id, 'item');
	if (typeof target !== 'object' || target === null) throw invalid('target', 'must be an object');
	const at = validIndex(target.index, 'index') ?? 0;
	const flat = flattenAgenda(items);
	const self = flat.find((item) => item.id === id);
	if (!self || self.removed) throw invalidState(`item ${id} is removed`);
	const parentId = target.parentId === undefined ? self.parentId : target.parentId;
	if (parentId !== null) {
		if (parentId === id) throw invalid('parentId', 'an item cannot be its own parent');
		requireTopLevelParent(items, parentId);
		if (flat.some((item) => item.parentId === id && !item.removed)) {
			throw invalid('parentId', 'an item with sub-items cannot become a sub-item');
		}
	}
	const siblings = flat.filter((item) => !item.removed && item.parentId === parentId && item.id !== id);
	const placement = placeAt(siblings, at);
	doc.transact(() => {
		applyRekey(items, placement.rekeyed);
		if (readString(map, 'parentId') !== parentId) map.set('parentId', parentId);
		map.set('order', placement.key);
	});
}

/**
 * Removal is a tombstone (`deletedAt`): the item and its sub-items leave the agenda and
 * the numbering, but notes, decisions and assignments stay, including text someone else
 * writes concurrently, and restoreItem brings it all back.
 */
export function removeItem(doc: Y.Doc, id: string, options: LiveOptions = {}): void {
	const { items } = requireWritable(doc);
	const map = getEntity(items, id, 'item');
	const live = readLiveState(doc);
	const affected = flattenAgenda(items).filter((item) => item.id === id || item.parentId === id);
	if (live.currentItemId !== null && affected.some((item) => item.id === live.currentItemId)) {
		throw invalidState('the current item cannot be removed; move on first');
	}
	const at = timestamp(options.now);
	doc.transact(() => {
		if (map.get('deletedAt') == null) map.set('deletedAt', at);
	});
}

export function restoreItem(doc: Y.Doc, id: string): void {
	const { items } = requireWritable(doc);
	const map = getEntity(items, id, 'item');
	doc.transact(() => map.set('deletedAt', null));
}

/**
 * The item's notes as a Y.Text for an editor binding: concurrent typing merges character
 * by character. Also returned for removed items, so a writer is not cut off mid-sentence.
 */
export function getItemNotes(doc: Y.Doc, itemId: string): Y.Text {
	getEntity(roots(doc).items, itemId, 'item');
	const notes = requireItemContent(doc, itemId).get('notes');
	if (!(notes instanceof Y.Text)) throw invalidState(`item ${itemId} has no notes text`);
	return notes;
}

/** Replaces the whole notes text (imports, fixtures); editors should edit the Y.Text instead. */
export function setItemNotes(doc: Y.Doc, itemId: string, text: string): void {
	const { items } = requireWritable(doc);
	getLiveEntity(items, itemId, 'item');
	const value = rawText(text, 'notes');
	const notes = getItemNotes(doc, itemId);
	doc.transact(() => replaceText(notes, value));
}

function itemChild(doc: Y.Doc, itemId: string, key: 'documents' | 'extractRecipients'): Y.Map<EntityMap> {
	const { items } = requireWritable(doc);
	const map = getLiveEntity(items, itemId, 'item');
	if (isRemovedEffectively(items, itemId)) throw invalidState(`item ${itemId} is removed`);
	// Links are content (the confidential part holds a confidential item's); recipients are not.
	const child = childMap(key === 'documents' ? requireItemContent(doc, itemId) : map, key);
	if (!child) throw invalidState(`item ${itemId} has no ${key}`);
	return child;
}

/** Attaches a supporting document (underlag, bilaga); returns its id. */
export function addDocument(doc: Y.Doc, itemId: string, input: DocumentLinkInput): string {
	const documents = itemChild(doc, itemId, 'documents') as unknown as Y.Map<unknown>;
	if (typeof input !== 'object' || input === null) throw invalid('document', 'must be an object');
	const title = requiredText(input.title, 'title');
	const href = url(input.url, 'url');
	const key = appendKey(
		[...documents.values()]
			.map((value) => (typeof value === 'object' && value !== null ? (value as { order?: unknown }).order : null))
			.filter((order): order is string => typeof order === 'string')
	);
	const id = newId();
	doc.transact(() => documents.set(id, { title, url: href, order: key }));
	return id;
}

export function updateDocument(doc: Y.Doc, itemId: string, documentId: string, patch: Partial<DocumentLinkInput>): void {
	const documents = itemChild(doc, itemId, 'documents') as unknown as Y.Map<unknown>;
	const current = documents.get(documentId) as { title: string; url: string; order: string } | undefined;
	if (typeof current !== 'object' || current === null) throw notFound('document', documentId);
	const title = patch.title === undefined ? current.title : requiredText(patch.title, 'title');
	const href = patch.url === undefined ? current.url : url(patch.url, 'url');
	doc.transact(() => documents.set(documentId, { ...current, title, url: href }));
}

export function removeDocument(doc: Y.Doc, itemId: string, documentId: string): void {
	const documents = itemChild(doc, itemId, 'documents') as unknown as Y.Map<unknown>;
	if (!documents.has(documentId)) throw notFound('document', documentId);
	doc.transact(() => documents.delete(documentId));
}

/**
 * "Beslutet ska skickas till". Keyed by the normalised name, so two people adding the
 * same recipient at once end up with one entry.
 */
export function addExtractRecipient(doc: Y.Doc, itemId: string, name: string, options: LiveOptions = {}): void {
	const recipients = itemChild(doc, itemId, 'extractRecipients') as unknown as Y.Map<unknown>;
	const value = requiredText(name, 'name', LIMITS.title);
	const key = value.toLocaleLowerCase('sv');
	if (recipients.has(key)) return;
	const addedAt = timestamp(options.now);
	doc.transact(() => recipients.set(key, { name: value, addedAt }));
}

export function removeExtractRecipient(doc: Y.Doc, itemId: string, name: string): void {
	const recipients = itemChild(doc, itemId, 'extractRecipients') as unknown as Y.Map<unknown>;
	const key = requiredText(name, 'name', LIMITS.title).toLocaleLowerCase('sv');
	if (!recipients.has(key)) throw notFound('extract recipient', name);
	doc.transact(() => recipients.delete(key));
}
