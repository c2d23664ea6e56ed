/**
 * Decisions (beslut) of an item, numbered 1, 2, … from their order keys. Two people adding
 * a decision at once both append with the same key; the id breaks the tie, so every
 * replica numbers them the same. The text is a Y.Text so co-editing the wording merges.
 */
import * as Y from 'yjs';
import { invalid, invalidState, notFound } from './errors.js';
import {
	applyRekey,
	checkPersonRefs,
	childMap,
	getEntity,
	getLiveEntity,
	replaceText,
	requireWritable,
	roots,
	sortedEntities,
	type EntityMap
} from './doc.js';
import { anchorAt } from './anchors.js';
import { itemContentOf, requireItemContent } from './confidential.js';
import { newId } from './ids.js';
import { placeAt } from './order.js';
import { isRemovedEffectively } from './structure.js';
import type { DecisionInput, LiveOptions, PersonRef, TimeInput } from './types.js';
import { LIMITS, index as validIndex, optionalText, personRef, requiredText, timestamp } from './validate.js';

function decisionsOf(doc: Y.Doc, itemId: string): Y.Map<EntityMap> {
	const { items } = requireWritable(doc);
	getLiveEntity(items, itemId, 'item');
	if (isRemovedEffectively(items, itemId)) throw invalidState(`item ${itemId} is removed`);
	const decisions = childMap(requireItemContent(doc, itemId), 'decisions');
	if (!decisions) throw invalidState(`item ${itemId} has no decisions`);
	return decisions;
}

function liveDecisions(decisions: Y.Map<EntityMap>) {
	return sortedEntities(decisions).filter((d) => !d.deleted);
}

/** Adds a decision at `index` (appended by default); returns its id. */
export function addDecision(doc: Y.Doc, itemId: string, input: DecisionInput): string {
	const decisions = decisionsOf(doc, itemId);
	if (typeof input !== 'object' || input === null) throw invalid('decision', 'must be an object');
	const text = requiredText(input.text, 'text', LIMITS.longText);
	const note = optionalText(input.note, 'note') ?? null;
	const at = validIndex(input.index, 'index');
	const createdAt = timestamp(input.now);
	const placement = placeAt(liveDecisions(decisions), at);
	const notesAnchor = input.notesOffset === undefined ? null : anchorAt(notesOf(doc, itemId), notesOffsetOf(input.notesOffset));
	const id = newId();
	doc.transact(() => {
		const map: EntityMap = new Y.Map();
		map.set('text', new Y.Text(text));
		map.set('note', note);
		if (notesAnchor) map.set('notesAnchor', notesAnchor);
		map.set('order', placement.key);
		map.set('createdAt', createdAt);
		map.set('deletedAt', null);
		map.set('reservations', new Y.Map());
		map.set('conflicts', new Y.Map());
		applyRekey(decisions, placement.rekeyed);
		decisions.set(id, map);
	});
	return id;
}

function notesOf(doc: Y.Doc, itemId: string): Y.Text {
	getEntity(roots(doc).items, itemId, 'item');
	const notes = requireItemContent(doc, itemId).get('notes');
	if (!(notes instanceof Y.Text)) throw invalidState(`item ${itemId} has no notes text`);
	return notes;
}

function notesOffsetOf(value: unknown): number {
	if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw invalid('notesOffset', 'must be a whole number, 0 or more');
	return value;
}

/**
 * Places a decision in the flow of the item's notes, after the text before `notesOffset`
 * (null: no place, it follows the notes).
 */
export function placeDecision(doc: Y.Doc, itemId: string, decisionId: string, notesOffset: number | null): void {
	const map = getLiveEntity(decisionsOf(doc, itemId), decisionId, 'decision');
	const anchor = notesOffset === null ? null : anchorAt(notesOf(doc, itemId), notesOffsetOf(notesOffset));
	doc.transact(() => map.set('notesAnchor', anchor));
}

/** The decision's wording as a Y.Text, for an editor binding. */
export function getDecisionText(doc: Y.Doc, itemId: string, decisionId: string): Y.Text {
	getEntity(roots(doc).items, itemId, 'item');
	const content = itemContentOf(doc, itemId);
	const decisions = content ? childMap(content, 'decisions') : null;
	if (!decisions) throw notFound('decision', decisionId);
	const text = getEntity(decisions, decisionId, 'decision').get('text');
	if (!(text instanceof Y.Text)) throw invalidState(`decision ${decisionId} has no text`);
	return text;
}

export function updateDecision(
	doc: Y.Doc,
	itemId: string,
	decisionId: string,
	patch: { text?: string; note?: string | null }
): void {
	const map = getLiveEntity(decisionsOf(doc, itemId), decisionId, 'decision');
	if (typeof patch !== 'object' || patch === null) throw invalid('patch', 'must be an object');
	let text: string | undefined;
	if (patch.text !== undefined) text = requiredText(patch.text, 'text', LIMITS.longText);
	const note = optionalText(patch.note, 'note');
	const yText = getDecisionText(doc, itemId, decisionId);
	doc.transact(() => {
		if (text !== undefined) replaceText(yText, text);
		if (note !== undefined) map.set('note', note);
	});
}

/** Moves a decision to `index`; the numbers of all decisions follow. */
export function moveDecision(doc: Y.Doc, itemId: string, decisionId: string, index: number): void {
	const decisions = decisionsOf(doc, itemId);
	const map = getLiveEntity(decisions, decisionId, 'decision');
	const at = validIndex(index, 'index') ?? 0;
	const placement = placeAt(
		liveDecisions(decisions).filter((d) => d.id !== decisionId),
		at
	);
	doc.transact(() => {
		applyRekey(decisions, placement.rekeyed);
		map.set('order', placement.key);
	});
}

/** Tombstone, like items: a concurrent edit of the wording survives and can be restored. */
export function removeDecision(doc: Y.Doc, itemId: string, decisionId: string, options: { now?: TimeInput } = {}): void {
	const map = getEntity(decisionsOf(doc, itemId), decisionId, 'decision');
	const at = timestamp(options.now);
	doc.transact(() => {
		if (map.get('deletedAt') == null) map.set('deletedAt', at);
	});
}

export function restoreDecision(doc: Y.Doc, itemId: string, decisionId: string): void {
	const map = getEntity(decisionsOf(doc, itemId), decisionId, 'decision');
	doc.transact(() => map.set('deletedAt', null));
}

function decisionChild(doc: Y.Doc, itemId: string, decisionId: string, key: 'reservations' | 'conflicts'): Y.Map<unknown> {
	const map = getLiveEntity(decisionsOf(doc, itemId), decisionId, 'decision');
	const child = childMap(map, key);
	if (!child) throw invalidState(`decision ${decisionId} has no ${key}`);
	return child as unknown as Y.Map<unknown>;
}

function who(doc: Y.Doc, value: PersonRef): PersonRef {
	const ref = personRef(value, 'who');
	checkPersonRefs(roots(doc).participants, [ref], 'who');
	return ref;
}

/** A reservation (dissent) against a decision, optionally with its text; returns its id. */
export function addReservation(
	doc: Y.Doc,
	itemId: string,
	decisionId: string,
	input: { who: PersonRef; text?: string | null } & LiveOptions
): string {
	const reservations = decisionChild(doc, itemId, decisionId, 'reservations');
	if (typeof input !== 'object' || input === null) throw invalid('reservation', 'must be an object');
	const ref = who(doc, input.who);
	const text = optionalText(input.text, 'text', LIMITS.longText) ?? null;
	const at = timestamp(input.now);
	const id = newId();
	doc.transact(() => reservations.set(id, { who: ref, text, at }));
	return id;
}

export function removeReservation(doc: Y.Doc, itemId: string, decisionId: string, reservationId: string): void {
	const reservations = decisionChild(doc, itemId, decisionId, 'reservations');
	if (!reservations.has(reservationId)) throw notFound('reservation', reservationId);
	doc.transact(() => reservations.delete(reservationId));
}

/** A conflict of interest (jäv): the person took no part in the decision; returns its id. */
export function addConflictOfInterest(
	doc: Y.Doc,
	itemId: string,
	decisionId: string,
	input: { who: PersonRef; note?: string | null } & LiveOptions
): string {
	const conflicts = decisionChild(doc, itemId, decisionId, 'conflicts');
	if (typeof input !== 'object' || input === null) throw invalid('conflict of interest', 'must be an object');
	const ref = who(doc, input.who);
	const note = optionalText(input.note, 'note') ?? null;
	const at = timestamp(input.now);
	const id = newId();
	doc.transact(() => conflicts.set(id, { who: ref, note, at }));
	return id;
}

export function removeConflictOfInterest(doc: Y.Doc, itemId: string, decisionId: string, conflictId: string): void {
	const conflicts = decisionChild(doc, itemId, decisionId, 'conflicts');
	if (!conflicts.has(conflictId)) throw notFound('conflict of interest', conflictId);
	doc.transact(() => conflicts.delete(conflictId));
}
