import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { replicaOf, syncDocs } from '../../../tests/fixtures/yjs-sync.js';
import { at, meetingWithItems } from '../../../tests/fixtures/meeting-factories.js';
import {
	carryOutstanding,
	closeOutstanding,
	MeetingError,
	outstandingKey,
	readGroupLink,
	readOutstanding,
	reopenOutstanding,
	setGroupLink,
	type OutstandingOrigin
} from './index.js';

function origin(overrides: Partial<OutstandingOrigin> = {}): OutstandingOrigin {
	return {
		kind: 'assignment',
		meetingId: 'meeting-one',
		meetingTitle: 'Ledningsgruppen 1',
		meetingDate: '2023-05-12',
		meetingSequence: 1,
		itemNumber: '4',
		itemTitle: 'Samordnad varudistribution',
		sourceId: 'assignment-a',
		text: 'Ta fram en tidplan',
		owner: { name: 'Helene Olofsson', organisation: 'Södertörnskommunerna' },
		dueDate: null,
		dueText: 'september',
		...overrides
	};
}

describe('outstanding matters in a meeting', () => {
	it('carries entries with origin and age relative to the meeting and its place in the group', () => {
		const { doc, ids } = meetingWithItems(['Välkommen', 'Utestående ärenden']);
		setGroupLink(doc, { groupId: 'group', sequence: 3, outstandingItemId: ids[1] });
		carryOutstanding(doc, [origin(), origin({ kind: 'tabled', meetingSequence: 2, meetingDate: '2023-05-26', itemNumber: '10', sourceId: 'p' })], {
			itemId: ids[1],
			now: at('08:00')
		});
		const list = readOutstanding(doc);
		expect(list.map((e) => [e.key, e.daysSince, e.meetingsSince, e.itemId, e.status])).toEqual([
			['assignment:meeting-one:assignment-a', 28, 2, ids[1], 'open'],
			['tabled:meeting-one:p', 14, 1, ids[1], 'open']
		]);
		expect(list[0].origin.owner).toEqual({ name: 'Helene Olofsson', organisation: 'Södertörnskommunerna' });
		expect(readGroupLink(doc)).toEqual({ groupId: 'group', sequence: 3, outstandingItemId: ids[1], nextMeetingItemId: null });
	});

	it('is idempotent: carrying the same origin again keeps one entry and its status here', () => {
		const { doc } = meetingWithItems(['Utestående ärenden']);
		carryOutstanding(doc, [origin()]);
		closeOutstanding(doc, outstandingKey(origin()), { resolution: 'Klart', now: at('09:00') });
		expect(carryOutstanding(doc, [origin()])).toEqual([]);
		const [entry] = readOutstanding(doc);
		expect(readOutstanding(doc)).toHaveLength(1);
		expect(entry.status).toBe('done');
		expect(entry.resolution).toBe('Klart');
		expect(entry.closedAt).toBe(new Date(at('09:00')).toISOString());
		reopenOutstanding(doc, entry.key);
		expect(readOutstanding(doc)[0].status).toBe('open');
	});

	it('validates before writing', () => {
		const { doc } = meetingWithItems(['A']);
		expect(() => carryOutstanding(doc, [origin(), origin({ meetingDate: '2023-02-30' })])).toThrow(MeetingError);
		expect(() => carryOutstanding(doc, [origin({ meetingId: '' })])).toThrow(/meetingId/);
		expect(() => carryOutstanding(doc, [origin()], { itemId: 'missing' })).toThrow(/does not exist/);
		expect(() => closeOutstanding(doc, 'assignment:x:y')).toThrow(/does not exist/);
		expect(() => setGroupLink(doc, { groupId: 'g', sequence: 0 })).toThrow(/sequence/);
		expect(readOutstanding(doc)).toEqual([]);
		expect(() => carryOutstanding(new Y.Doc(), [origin()])).toThrow(/not an initialised meeting/);
	});

	it('two replicas closing and carrying at once converge to one entry per origin', () => {
		const { doc: a } = meetingWithItems(['Utestående ärenden']);
		carryOutstanding(a, [origin()]);
		const b = replicaOf(a);
		closeOutstanding(a, outstandingKey(origin()), { resolution: 'Klart' });
		carryOutstanding(b, [origin({ sourceId: 'assignment-b' })]);
		syncDocs(a, b);
		const [ra, rb] = [readOutstanding(a), readOutstanding(b)];
		expect(ra).toEqual(rb);
		expect(ra.map((e) => [e.origin.sourceId, e.status])).toEqual([
			['assignment-a', 'done'],
			['assignment-b', 'open']
		]);
	});

	it('reads undated meetings relative to now and skips entries a faulty client wrote', () => {
		const { doc } = meetingWithItems(['A']);
		doc.getMap('header').set('date', null);
		carryOutstanding(doc, [origin()]);
		doc.getMap('outstanding').set('junk', new Y.Map());
		const [entry, ...rest] = readOutstanding(doc, { now: '2023-05-22T10:00:00Z' });
		expect(rest).toEqual([]);
		expect(entry.daysSince).toBe(10);
		expect(entry.meetingsSince).toBeNull();
	});
});
