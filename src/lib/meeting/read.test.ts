import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { at, meetingWithItems } from '../../../tests/fixtures/meeting-factories.js';
import { replicaOf, syncDocs } from '../../../tests/fixtures/yjs-sync.js';
import { addDecision, addItem, findItem, getItemNotes, observeMeeting, readMeeting, removeItem, setHeader, type MeetingView } from './index.js';

describe('readMeeting', () => {
	it('returns a deeply frozen snapshot', () => {
		const { doc, ids } = meetingWithItems(['A']);
		addDecision(doc, ids[0], { text: 'Beslut' });
		const view = readMeeting(doc);
		expect(Object.isFrozen(view)).toBe(true);
		expect(Object.isFrozen(view.agenda[0].decisions[0])).toBe(true);
		expect(() => {
			(view.agenda as unknown as unknown[]).push({});
		}).toThrow();
	});

	it('is a snapshot: later edits do not change it', () => {
		const { doc, ids } = meetingWithItems(['A']);
		const before = readMeeting(doc);
		getItemNotes(doc, ids[0]).insert(0, 'Text');
		expect(before.agenda[0].notes).toBe('');
		expect(readMeeting(doc).agenda[0].notes).toBe('Text');
	});

	it('coerces values a faulty client wrote instead of throwing', () => {
		const { doc, ids } = meetingWithItems(['A']);
		const item = doc.getMap<Y.Map<unknown>>('items').get(ids[0])!;
		item.set('kind', 'nonsense');
		item.set('presenters', 'not a list');
		doc.getMap('header').set('kind', 42);
		doc.getArray('events').push([{ type: 'item_started' }]);
		const view = readMeeting(doc);
		expect(view.agenda[0].kind).toBeNull();
		expect(view.agenda[0].presenters).toEqual([]);
		expect(view.header.kind).toBe('notes');
		expect(view.events).toEqual([]);
	});

	it('finds items by id, removed ones included', () => {
		const { doc, ids } = meetingWithItems(['A', 'B']);
		removeItem(doc, ids[1]);
		const view = readMeeting(doc);
		expect(findItem(view, ids[0])?.title).toBe('A');
		expect(findItem(view, ids[1])?.deletedAt).not.toBeNull();
		expect(findItem(view, 'missing')).toBeUndefined();
	});
});

describe('observeMeeting', () => {
	it('delivers one snapshot per transaction, local and remote, until unsubscribed', () => {
		const { doc } = meetingWithItems([]);
		const remote = replicaOf(doc);
		const seen: MeetingView[] = [];
		const unsubscribe = observeMeeting(doc, (view) => seen.push(view));
		addItem(doc, { title: 'Lokal', now: at('09:00') });
		setHeader(doc, { place: 'Digitalt via Teams', date: '2023-06-10' });
		addItem(remote, { title: 'Fjärr' });
		syncDocs(remote, doc);
		expect(seen).toHaveLength(3);
		expect(seen[0].agenda.map((item) => item.title)).toEqual(['Lokal']);
		expect(seen[1].header.place).toBe('Digitalt via Teams');
		expect(seen[2].agenda).toHaveLength(2);
		unsubscribe();
		addItem(doc, { title: 'Efter' });
		expect(seen).toHaveLength(3);
	});
});
