import * as Y from 'yjs';
import { MeetingError, invalid } from './errors.js';
import { SCHEMA_VERSION, readString, requireWritable, roots, schemaVersionOf } from './doc.js';
import { MEETING_KINDS, REMOTE_MARKINGS, type HeaderInput, type TimeInput } from './types.js';
import { LIMITS, oneOf, optionalDate, optionalText, optionalTime, requiredText, timestamp, url } from './validate.js';

/**
 * Header fields are flat keys of the `header` map (next meeting included), so concurrent
 * edits of different fields never overwrite each other and two replicas that initialise
 * the same document offline merge field by field.
 */
function headerWrites(input: HeaderInput, current: { startTime: string | null; endTime: string | null }): Map<string, unknown> {
	const writes = new Map<string, unknown>();
	if (input.title !== undefined) writes.set('title', requiredText(input.title, 'title'));
	const groupName = optionalText(input.groupName, 'groupName', LIMITS.title);
	if (groupName !== undefined) writes.set('groupName', groupName);
	if (input.kind !== undefined) writes.set('kind', oneOf(input.kind, MEETING_KINDS, 'kind'));
	const date = optionalDate(input.date, 'date');
	if (date !== undefined) writes.set('date', date);
	const startTime = optionalTime(input.startTime, 'startTime');
	if (startTime !== undefined) writes.set('startTime', startTime);
	const endTime = optionalTime(input.endTime, 'endTime');
	if (endTime !== undefined) writes.set('endTime', endTime);
	const start = startTime === undefined ? current.startTime : startTime;
	const end = endTime === undefined ? current.endTime : endTime;
	if (start && end && end < start) throw invalid('endTime', 'must not be before startTime');
	const place = optionalText(input.place, 'place', LIMITS.title);
	if (place !== undefined) writes.set('place', place);
	if (input.meetingLink !== undefined) writes.set('meetingLink', input.meetingLink === null || input.meetingLink.trim() === '' ? null : url(input.meetingLink.trim(), 'meetingLink'));
	const next = input.nextMeeting;
	if (next !== undefined) {
		if (typeof next !== 'object' || next === null) throw invalid('nextMeeting', 'must be an object');
		const nextDate = optionalDate(next.date, 'nextMeeting.date');
		if (nextDate !== undefined) writes.set('nextMeetingDate', nextDate);
		const nextTime = optionalTime(next.time, 'nextMeeting.time');
		if (nextTime !== undefined) writes.set('nextMeetingTime', nextTime);
		const nextPlace = optionalText(next.place, 'nextMeeting.place', LIMITS.title);
		if (nextPlace !== undefined) writes.set('nextMeetingPlace', nextPlace);
		const nextNote = optionalText(next.note, 'nextMeeting.note');
		if (nextNote !== undefined) writes.set('nextMeetingNote', nextNote);
	}
	if (input.remoteMarking !== undefined) {
		writes.set('remoteMarking', input.remoteMarking === null ? null : oneOf(input.remoteMarking, REMOTE_MARKINGS, 'remoteMarking'));
	}
	if (input.openingClosing !== undefined) {
		if (input.openingClosing !== null && typeof input.openingClosing !== 'boolean') throw invalid('openingClosing', 'must be true, false or null');
		writes.set('openingClosing', input.openingClosing);
	}
	const heading = optionalText(input.minutesHeading, 'minutesHeading', LIMITS.title);
	if (heading !== undefined) writes.set('minutesHeading', heading);
	return writes;
}

export interface InitMeetingInput extends HeaderInput {
	title: string;
	now?: TimeInput;
}

/** Makes an empty Y.Doc a meeting: schema version, creation time and header. */
export function initMeeting(doc: Y.Doc, input: InitMeetingInput): void {
	if (schemaVersionOf(doc) !== null) {
		throw new MeetingError('ALREADY_INITIALISED', 'the document is already a meeting');
	}
	if (typeof input !== 'object' || input === null) throw invalid('input', 'must be an object');
	const writes = headerWrites({ ...input, kind: input.kind ?? 'notes' }, { startTime: null, endTime: null });
	if (!writes.has('title')) throw invalid('title', 'is required');
	const createdAt = timestamp(input.now);
	const { meta, header } = roots(doc);
	doc.transact(() => {
		meta.set('schemaVersion', SCHEMA_VERSION);
		meta.set('createdAt', createdAt);
		for (const [key, value] of writes) header.set(key, value);
	});
}

/** A new Y.Doc holding a new meeting. */
export function createMeeting(input: InitMeetingInput): Y.Doc {
	const doc = new Y.Doc();
	initMeeting(doc, input);
	return doc;
}

/** Sets the given header fields; undefined leaves a field as is, null clears it. */
export function setHeader(doc: Y.Doc, patch: HeaderInput): void {
	const { header } = requireWritable(doc);
	if (typeof patch !== 'object' || patch === null) throw invalid('patch', 'must be an object');
	const writes = headerWrites(patch, {
		startTime: readString(header, 'startTime'),
		endTime: readString(header, 'endTime')
	});
	doc.transact(() => {
		for (const [key, value] of writes) header.set(key, value);
	});
}
