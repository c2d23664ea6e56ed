import * as Y from 'yjs';
import { invalid } from './errors.js';
import { applyRekey, getEntity, getLiveEntity, requireWritable, sortedEntities, type EntityMap } from './doc.js';
import { newId } from './ids.js';
import { placeAt } from './order.js';
import {
	ATTENDANCES,
	PARTICIPANT_ROLES,
	PARTICIPANT_SECTIONS,
	SEATS,
	type Attendance,
	type ItemScope,
	type LiveOptions,
	type ParticipantInput,
	type ParticipantPatch,
	type ParticipantRole,
	type ParticipantSection,
	type TimeInput
} from './types.js';
import { LIMITS, index as validIndex, oneOf, optionalText, requiredText, timestamp } from './validate.js';

/** Loose on purpose: a name@domain.tld shape, no spaces; the mail system judges the rest. */
export function isEmail(value: string): boolean {
	return /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/.test(value);
}

export function defaultSection(role: ParticipantRole): ParticipantSection {
	return role === 'guest' || role === 'presenter' || role === 'observer' ? 'others' : 'members';
}

function itemScope(value: unknown, items: Y.Map<EntityMap>): ItemScope {
	if (typeof value !== 'object' || value === null) throw invalid('items', 'must be an item scope');
	const record = value as Record<string, unknown>;
	if (record.scope === 'all') return { scope: 'all' };
	if (record.scope !== 'only' && record.scope !== 'except') {
		throw invalid('items.scope', 'must be one of all, only, except');
	}
	if (!Array.isArray(record.itemIds) || record.itemIds.length === 0) {
		throw invalid('items.itemIds', 'must list at least one item');
	}
	const itemIds = [...new Set(record.itemIds as unknown[])].map((id, i) => {
		if (typeof id !== 'string' || !(items.get(id) instanceof Y.Map)) {
			throw invalid(`items.itemIds[${i}]`, `item ${String(id)} does not exist`);
		}
		return id;
	});
	return { scope: record.scope, itemIds };
}

function participantWrites(patch: ParticipantPatch, items: Y.Map<EntityMap>): Map<string, unknown> {
	if (typeof patch !== 'object' || patch === null) throw invalid('participant', 'must be an object');
	const writes = new Map<string, unknown>();
	if (patch.name !== undefined) writes.set('name', requiredText(patch.name, 'name', LIMITS.name));
	const organisation = optionalText(patch.organisation, 'organisation', LIMITS.title);
	if (organisation !== undefined) writes.set('organisation', organisation);
	const title = optionalText(patch.title, 'title', LIMITS.title);
	if (title !== undefined) writes.set('title', title);
	const email = optionalText(patch.email, 'email', LIMITS.name);
	if (email !== undefined) {
		if (email !== null && !isEmail(email)) throw invalid('email', 'must be an e-mail address');
		writes.set('email', email);
	}
	if (patch.role !== undefined) writes.set('role', oneOf(patch.role, PARTICIPANT_ROLES, 'role'));
	if (patch.attendance !== undefined) writes.set('attendance', oneOf(patch.attendance, ATTENDANCES, 'attendance'));
	if (patch.section !== undefined) writes.set('section', oneOf(patch.section, PARTICIPANT_SECTIONS, 'section'));
	if (patch.items !== undefined) writes.set('items', itemScope(patch.items, items));
	if (patch.seat !== undefined) writes.set('seat', patch.seat === null ? null : oneOf(patch.seat, SEATS, 'seat'));
	if (patch.serving !== undefined) {
		if (typeof patch.serving !== 'boolean') throw invalid('serving', 'must be a boolean');
		writes.set('serving', patch.serving);
	}
	return writes;
}

/** Adds a participant; returns its id. Role defaults to member, attendance to room. */
export function addParticipant(doc: Y.Doc, input: ParticipantInput): string {
	return addParticipants(doc, [input])[0];
}

/**
 * Adds several participants in one transaction (a pasted list): every input is checked
 * before anything is written, so one bad line adds nobody. Returns their ids in order.
 */
export function addParticipants(doc: Y.Doc, inputs: readonly ParticipantInput[]): string[] {
	const { participants, items } = requireWritable(doc);
	if (!Array.isArray(inputs)) throw invalid('participants', 'must be a list');
	const prepared = inputs.map((input, i) => {
		if (typeof input !== 'object' || input === null) throw invalid(`participants[${i}]`, 'must be an object');
		if (input.name === undefined) throw invalid(`participants[${i}].name`, 'is required');
		const role = input.role ?? 'member';
		const writes = participantWrites(
			{ ...input, role, attendance: input.attendance ?? 'room', section: input.section ?? defaultSection(role) },
			items
		);
		return { writes, at: validIndex(input.index, 'index'), createdAt: timestamp(input.now) };
	});
	const ids: string[] = [];
	doc.transact(() => {
		for (const { writes, at, createdAt } of prepared) {
			const placement = placeAt(sortedEntities(participants).filter((p) => !p.deleted), at);
			const id = newId();
			const map: EntityMap = new Y.Map();
			map.set('organisation', null);
			map.set('title', null);
			map.set('items', { scope: 'all' });
			map.set('checkedIn', false);
			map.set('checkedInAt', null);
			for (const [key, value] of writes) map.set(key, value);
			map.set('order', placement.key);
			map.set('createdAt', createdAt);
			map.set('deletedAt', null);
			applyRekey(participants, placement.rekeyed);
			participants.set(id, map);
			ids.push(id);
		}
	});
	return ids;
}

/** Changes the given fields; concurrent edits of different fields both survive. */
export function updateParticipant(doc: Y.Doc, id: string, patch: ParticipantPatch): void {
	const { participants, items } = requireWritable(doc);
	const map = getLiveEntity(participants, id, 'participant');
	const writes = participantWrites(patch, items);
	doc.transact(() => {
		for (const [key, value] of writes) map.set(key, value);
	});
}

export function setAttendance(doc: Y.Doc, id: string, attendance: Attendance): void {
	updateParticipant(doc, id, { attendance });
}

/** "endast punkt 2" = { scope: 'only', itemIds }, "ej punkt 12" = { scope: 'except', itemIds }. */
export function setItemScope(doc: Y.Doc, id: string, items: ItemScope): void {
	updateParticipant(doc, id, { items });
}

/** The same "endast punkt"/"ej punkt" for several participants at once, in one transaction. */
export function setItemScopes(doc: Y.Doc, ids: readonly string[], items: ItemScope): void {
	const { participants, items: agenda } = requireWritable(doc);
	const maps = ids.map((id) => getLiveEntity(participants, id, 'participant'));
	const scope = itemScope(items, agenda);
	doc.transact(() => {
		for (const map of maps) map.set('items', scope);
	});
}

/** Checks a participant in (in the room or remote), or undoes the check-in. */
export function setCheckedIn(
	doc: Y.Doc,
	id: string,
	checkedIn: boolean,
	options: { attendance?: 'room' | 'remote'; now?: TimeInput } = {}
): void {
	const { participants } = requireWritable(doc);
	const map = getLiveEntity(participants, id, 'participant');
	if (typeof checkedIn !== 'boolean') throw invalid('checkedIn', 'must be a boolean');
	const attendance =
		options.attendance === undefined ? undefined : oneOf(options.attendance, ['room', 'remote'] as const, 'attendance');
	const at = timestamp(options.now);
	doc.transact(() => {
		map.set('checkedIn', checkedIn);
		map.set('checkedInAt', checkedIn ? at : null);
		if (attendance) map.set('attendance', attendance);
		else if (checkedIn && map.get('attendance') === 'absent') map.set('attendance', 'room');
	});
}

export function moveParticipant(doc: Y.Doc, id: string, index: number): void {
	const { participants } = requireWritable(doc);
	const map = getLiveEntity(participants, id, 'participant');
	const at = validIndex(index, 'index') ?? 0;
	const siblings = sortedEntities(participants).filter((p) => !p.deleted && p.id !== id);
	const placement = placeAt(siblings, at);
	doc.transact(() => {
		applyRekey(participants, placement.rekeyed);
		map.set('order', placement.key);
	});
}

/**
 * Removal is a tombstone: decisions, reservations and assignments that name the
 * participant keep resolving the name, and a concurrent edit is not lost.
 */
export function removeParticipant(doc: Y.Doc, id: string, options: LiveOptions = {}): void {
	const { participants } = requireWritable(doc);
	const map = getEntity(participants, id, 'participant');
	const at = timestamp(options.now);
	doc.transact(() => {
		if (map.get('deletedAt') == null) map.set('deletedAt', at);
	});
}

export function restoreParticipant(doc: Y.Doc, id: string): void {
	const { participants } = requireWritable(doc);
	const map = getEntity(participants, id, 'participant');
	doc.transact(() => map.set('deletedAt', null));
}
