import { describe, expect, it } from 'vitest';
import { expectMeetingError } from '../../../tests/fixtures/meeting-assertions.js';
import { at } from '../../../tests/fixtures/meeting-factories.js';
import { buildFormalMeeting } from '../../../tests/fixtures/formal-meeting.js';
import { replicaOf, syncDocs } from '../../../tests/fixtures/yjs-sync.js';
import {
	admitHands,
	endSpeaker,
	giveFloor,
	grantReply,
	lowerHand,
	raiseHand,
	readSpeakerList,
	setSpeakingLimit
} from './index.js';

describe('speaker list', () => {
	it('queues hands in the order they reach the chair, lets a reply go ahead and gives the floor in order', () => {
		const { doc, members, items } = buildFormalMeeting();
		const item = items.detaljplan;
		const [, bertil, cecilia, david, eva] = members;
		raiseHand(doc, item, bertil, { now: at('09:00') });
		admitHands(doc, item, { now: at('09:00') });
		raiseHand(doc, item, cecilia, { now: at('09:01') });
		raiseHand(doc, item, david, { now: at('09:02') });
		admitHands(doc, item, { now: at('09:02') });
		expect(readSpeakerList(doc, item).queue.map((q) => q.participantId)).toEqual([bertil, cecilia, david]);

		giveFloor(doc, item, { now: at('09:03') });
		expect(readSpeakerList(doc, item).current?.participantId).toBe(bertil);
		// Eva asks for a reply to Bertil; the chair lets it go ahead of Cecilia and David.
		raiseHand(doc, item, eva, { kind: 'reply', now: at('09:04') });
		admitHands(doc, item, { now: at('09:04') });
		expect(readSpeakerList(doc, item).queue.map((q) => [q.participantId, q.requested])).toEqual([
			[cecilia, 'speak'],
			[david, 'speak'],
			[eva, 'reply']
		]);
		grantReply(doc, item, eva, { now: at('09:05') });
		expect(readSpeakerList(doc, item).queue.map((q) => [q.participantId, q.kind])).toEqual([
			[eva, 'reply'],
			[cecilia, 'speak'],
			[david, 'speak']
		]);
		giveFloor(doc, item, { now: at('09:06') });
		const list = readSpeakerList(doc, item);
		expect(list.current).toMatchObject({ participantId: eva, kind: 'reply' });
		expect(list.spoken.map((s) => [s.participantId, s.endedAt])).toEqual([[bertil, new Date(at('09:06')).toISOString()]]);
		expect(list.queue.map((q) => q.participantId)).toEqual([cecilia, david]);
		endSpeaker(doc, item, { now: at('09:07') });
		expect(readSpeakerList(doc, item).current).toBeNull();
	});

	it('queues an offline hand by its arrival at the chair, not by the time its device claims', () => {
		const { doc: chair, members, items } = buildFormalMeeting();
		const item = items.detaljplan;
		const offline = replicaOf(chair);
		// Raised at 09:00 on a phone without network; Cecilia raises online at 09:05.
		raiseHand(offline, item, members[1], { now: at('09:00') });
		raiseHand(chair, item, members[2], { now: at('09:05') });
		admitHands(chair, item, { now: at('09:05') });
		expect(readSpeakerList(chair, item).queue.map((q) => q.participantId)).toEqual([members[2]]);
		syncDocs(chair, offline);
		// Before the chair's device admits it, it is listed as waiting, not queued.
		expect(readSpeakerList(chair, item).waiting.map((w) => w.participantId)).toEqual([members[1]]);
		admitHands(chair, item, { now: at('09:10') });
		expect(readSpeakerList(chair, item).queue.map((q) => q.participantId)).toEqual([members[2], members[1]]);
		syncDocs(chair, offline);
		expect(readSpeakerList(offline, item).queue.map((q) => q.participantId)).toEqual([members[2], members[1]]);
	});

	it('a lowered hand leaves the queue at once; admitting writes nothing when nothing is new', () => {
		const { doc, members, items } = buildFormalMeeting();
		const item = items.detaljplan;
		raiseHand(doc, item, members[3], { now: at('09:00') });
		expect(admitHands(doc, item)).toBe(1);
		lowerHand(doc, item, members[3], { now: at('09:01') });
		expect(readSpeakerList(doc, item).queue).toEqual([]);
		let writes = 0;
		doc.on('update', () => writes++);
		admitHands(doc, item);
		writes = 0;
		expect(admitHands(doc, item)).toBe(0);
		expect(writes).toBe(0);
		// Raised again: a new request, queued again.
		raiseHand(doc, item, members[3], { now: at('09:02') });
		expect(admitHands(doc, item)).toBe(1);
		expect(readSpeakerList(doc, item).queue.map((q) => q.participantId)).toEqual([members[3]]);
	});

	it('carries the speaking-time limit into each speech and refuses a bad limit or an empty queue', () => {
		const { doc, members, items } = buildFormalMeeting();
		const item = items.detaljplan;
		setSpeakingLimit(doc, item, 120);
		giveFloor(doc, item, { participantId: members[4], now: at('09:00') });
		expect(readSpeakerList(doc, item)).toMatchObject({ limitSeconds: 120, current: { limitSeconds: 120 } });
		endSpeaker(doc, item);
		expectMeetingError(() => setSpeakingLimit(doc, item, 5), 'INVALID_INPUT', 'seconds');
		expectMeetingError(() => giveFloor(doc, item), 'INVALID_STATE');
		expectMeetingError(() => raiseHand(doc, item, 'nobody-is-called-this'), 'NOT_FOUND');
	});
});
