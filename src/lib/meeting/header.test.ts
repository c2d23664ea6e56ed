import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { at, createTestMeeting } from '../../../tests/fixtures/meeting-factories.js';
import { MeetingError, SCHEMA_VERSION, addItem, createMeeting, initMeeting, readMeeting, setHeader } from './index.js';

function errorCode(fn: () => unknown): string | null {
	try {
		fn();
	} catch (error) {
		if (error instanceof MeetingError) return error.code;
		throw error;
	}
	return null;
}

describe('initMeeting / createMeeting', () => {
	it('writes schema version, creation time and header', () => {
		const doc = createMeeting({
			title: 'Ledningsgruppens möte',
			groupName: 'Södertörnskommunernas ledningsgrupp',
			date: '2023-06-09',
			startTime: '08:30',
			endTime: '11:00',
			place: 'Huddinge kommunhus, lokal Valhall',
			now: at('08:00')
		});
		const view = readMeeting(doc);
		expect(view.initialised).toBe(true);
		expect(view.schemaVersion).toBe(SCHEMA_VERSION);
		expect(view.createdAt).toBe('2023-06-09T06:00:00.000Z');
		expect(view.header).toEqual({
			title: 'Ledningsgruppens möte',
			groupName: 'Södertörnskommunernas ledningsgrupp',
			kind: 'notes',
			date: '2023-06-09',
			startTime: '08:30',
			endTime: '11:00',
			place: 'Huddinge kommunhus, lokal Valhall',
			nextMeeting: { date: null, time: null, place: null, note: null }
		});
	});

	it('refuses a second initialisation and an empty title', () => {
		const doc = createTestMeeting();
		expect(errorCode(() => initMeeting(doc, { title: 'Igen' }))).toBe('ALREADY_INITIALISED');
		expect(errorCode(() => createMeeting({ title: '  ' }))).toBe('INVALID_INPUT');
	});

	it('reads an empty document as an uninitialised meeting and refuses writes to it', () => {
		const doc = new Y.Doc();
		const view = readMeeting(doc);
		expect(view.initialised).toBe(false);
		expect(view.agenda).toEqual([]);
		expect(view.live.status).toBe('planned');
		expect(errorCode(() => addItem(doc, { title: 'Välkommen' }))).toBe('NOT_INITIALISED');
	});

	it('refuses to write to a document of a newer schema', () => {
		const doc = createTestMeeting();
		doc.getMap('meta').set('schemaVersion', SCHEMA_VERSION + 1);
		expect(errorCode(() => setHeader(doc, { title: 'Ny' }))).toBe('UNSUPPORTED_SCHEMA');
	});
});

describe('setHeader', () => {
	it('sets, keeps and clears fields including the next meeting', () => {
		const doc = createTestMeeting();
		setHeader(doc, {
			kind: 'minutes',
			place: 'Digitalt via Teams',
			nextMeeting: { date: '2023-09-21', time: '12:00', place: 'Häringe slott', note: 'Planeringskonferens' }
		});
		setHeader(doc, { groupName: null, nextMeeting: { note: null } });
		const { header } = readMeeting(doc);
		expect(header.kind).toBe('minutes');
		expect(header.place).toBe('Digitalt via Teams');
		expect(header.groupName).toBeNull();
		expect(header.title).toBe('Ledningsgruppens möte');
		expect(header.nextMeeting).toEqual({ date: '2023-09-21', time: '12:00', place: 'Häringe slott', note: null });
	});

	it('runs as one transaction', () => {
		const doc = createTestMeeting();
		let transactions = 0;
		doc.on('afterTransaction', () => transactions++);
		setHeader(doc, { title: 'A', place: 'B', date: '2023-06-10' });
		expect(transactions).toBe(1);
	});

	it.each([
		[{ date: '2023-02-30' }, 'date'],
		[{ date: '9 juni' }, 'date'],
		[{ startTime: '8.30' }, 'startTime'],
		[{ endTime: '24:00' }, 'endTime'],
		[{ startTime: '11:00', endTime: '08:30' }, 'endTime'],
		[{ kind: 'protokoll' }, 'kind'],
		[{ title: '' }, 'title'],
		[{ nextMeeting: { date: '21 september' } }, 'nextMeeting.date']
	])('rejects %j', (patch, field) => {
		const doc = createTestMeeting();
		try {
			setHeader(doc, patch as never);
			expect.unreachable();
		} catch (error) {
			expect(error).toBeInstanceOf(MeetingError);
			expect((error as MeetingError).code).toBe('INVALID_INPUT');
			expect((error as MeetingError).field).toBe(field);
		}
		expect(readMeeting(doc).header.title).toBe('Ledningsgruppens möte');
	});

	it('checks the end time against the stored start time', () => {
		const doc = createTestMeeting({ startTime: '08:30', endTime: null });
		expect(errorCode(() => setHeader(doc, { endTime: '08:00' }))).toBe('INVALID_INPUT');
	});
});
