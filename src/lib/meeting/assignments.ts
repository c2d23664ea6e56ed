/** Assignments (uppdrag) given under an item: "Helene Olofsson får i uppdrag att …". */
import * as Y from 'yjs';
import { invalid, invalidState } from './errors.js';
import {
	checkPersonRefs,
	childMap,
	getEntity,
	getLiveEntity,
	requireWritable,
	sortedEntities,
	type EntityMap
} from './doc.js';
import { requireItemContent } from './confidential.js';
import { newId } from './ids.js';
import { appendKey } from './order.js';
import { isRemovedEffectively } from './structure.js';
import { ASSIGNMENT_STATUSES, type AssignmentInput, type AssignmentPatch, type AssignmentStatus, type TimeInput } from './types.js';
import { LIMITS, oneOf, optionalDate, optionalText, personRef, requiredText, timestamp } from './validate.js';

function assignmentsOf(doc: Y.Doc, itemId: string): Y.Map<EntityMap> {
	const { items } = requireWritable(doc);
	getLiveEntity(items, itemId, 'item');
	if (isRemovedEffectively(items, itemId)) throw invalidState(`item ${itemId} is removed`);
	const assignments = childMap(requireItemContent(doc, itemId), 'assignments');
	if (!assignments) throw invalidState(`item ${itemId} has no assignments`);
	return assignments;
}

function assignmentWrites(doc: Y.Doc, patch: AssignmentPatch): Map<string, unknown> {
	if (typeof patch !== 'object' || patch === null) throw invalid('assignment', 'must be an object');
	const writes = new Map<string, unknown>();
	if (patch.text !== undefined) writes.set('text', requiredText(patch.text, 'text', LIMITS.shortText));
	if (patch.owner !== undefined) {
		if (patch.owner === null) writes.set('owner', null);
		else {
			const owner = personRef(patch.owner, 'owner');
			checkPersonRefs(requireWritable(doc).participants, [owner], 'owner');
			writes.set('owner', owner);
		}
	}
	const dueDate = optionalDate(patch.dueDate, 'dueDate');
	if (dueDate !== undefined) writes.set('dueDate', dueDate);
	const dueText = optionalText(patch.dueText, 'dueText', LIMITS.title);
	if (dueText !== undefined) writes.set('dueText', dueText);
	return writes;
}

/** Adds an open assignment, appended after the item's others; returns its id. */
export function addAssignment(doc: Y.Doc, itemId: string, input: AssignmentInput): string {
	const assignments = assignmentsOf(doc, itemId);
	if (typeof input !== 'object' || input === null) throw invalid('assignment', 'must be an object');
	if (input.text === undefined) throw invalid('text', 'is required');
	const writes = assignmentWrites(doc, input);
	const createdAt = timestamp(input.now);
	const key = appendKey(sortedEntities(assignments).map((a) => a.order));
	const id = newId();
	doc.transact(() => {
		const map: EntityMap = new Y.Map();
		map.set('owner', null);
		map.set('dueDate', null);
		map.set('dueText', null);
		for (const [k, value] of writes) map.set(k, value);
		map.set('status', 'open');
		map.set('doneAt', null);
		map.set('order', key);
		map.set('createdAt', createdAt);
		map.set('deletedAt', null);
		assignments.set(id, map);
	});
	return id;
}

export function updateAssignment(doc: Y.Doc, itemId: string, assignmentId: string, patch: AssignmentPatch): void {
	const map = getLiveEntity(assignmentsOf(doc, itemId), assignmentId, 'assignment');
	const writes = assignmentWrites(doc, patch);
	doc.transact(() => {
		for (const [key, value] of writes) map.set(key, value);
	});
}

export function setAssignmentStatus(
	doc: Y.Doc,
	itemId: string,
	assignmentId: string,
	status: AssignmentStatus,
	options: { now?: TimeInput } = {}
): void {
	const map = getLiveEntity(assignmentsOf(doc, itemId), assignmentId, 'assignment');
	const value = oneOf(status, ASSIGNMENT_STATUSES, 'status');
	const at = timestamp(options.now);
	doc.transact(() => {
		map.set('status', value);
		map.set('doneAt', value === 'done' ? at : null);
	});
}

export function removeAssignment(doc: Y.Doc, itemId: string, assignmentId: string, options: { now?: TimeInput } = {}): void {
	const map = getEntity(assignmentsOf(doc, itemId), assignmentId, 'assignment');
	const at = timestamp(options.now);
	doc.transact(() => {
		if (map.get('deletedAt') == null) map.set('deletedAt', at);
	});
}

export function restoreAssignment(doc: Y.Doc, itemId: string, assignmentId: string): void {
	const map = getEntity(assignmentsOf(doc, itemId), assignmentId, 'assignment');
	doc.transact(() => map.set('deletedAt', null));
}
