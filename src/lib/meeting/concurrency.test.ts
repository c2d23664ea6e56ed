/**
 * Replicas edit offline (no updates exchanged), then sync; every replica must end with the
 * same, sensible meeting.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { at, meetingWithItems } from '../../../tests/fixtures/meeting-factories.js';
import { replicaOf, syncDocs } from '../../../tests/fixtures/yjs-sync.js';
import {
	addDecision,
	addExtractRecipient,
	addItem,
	addParticipant,
	getDecisionText,
	getItemNotes,
	moveItem,
	nextItem,
	openMeeting,
	readMeeting,
	removeItem,
	removeParticipant,
	restoreItem,
	setAttendance,
	startItem,
	suspendCurrentItem,
	updateParticipant
} from './index.js';

const titles = (doc: Y.Doc) => readMeeting(doc).agenda.map((item) => `${item.number} ${item.title}`);

function expectConverged(...docs: Y.Doc[]): void {
	const first = readMeeting(docs[0]);
	for (const doc of docs.slice(1)) expect(readMeeting(doc)).toEqual(first);
}

describe('concurrent edits', () => {
	it('two reorder the agenda at once: no duplicates, no lost items, same order everywhere', () => {
		const { doc: a, ids } = meetingWithItems(['A', 'B', 'C', 'D', 'E']);
		const b = replicaOf(a);
		moveItem(a, ids[4], { index: 0 });
		moveItem(a, ids[1], { index: 4 });
		moveItem(b, ids[3], { index: 0 });
		moveItem(b, ids[4], { index: 2 });
		syncDocs(a, b);
		expectConverged(a, b);
		const merged = readMeeting(a).agenda;
		expect(merged.map((item) => item.id).sort()).toEqual([...ids].sort());
		expect(merged.map((item) => item.number)).toEqual(['1', '2', '3', '4', '5']);
		// Both moved E: one of the two positions wins, E appears once.
		expect(merged.filter((item) => item.title === 'E')).toHaveLength(1);
	});

	it('three replicas move items to the same spot: ties break by id, identically', () => {
		const { doc: a, ids } = meetingWithItems(['A', 'B', 'C', 'D']);
		const b = replicaOf(a);
		const c = replicaOf(a);
		moveItem(a, ids[1], { index: 0 });
		moveItem(b, ids[2], { index: 0 });
		moveItem(c, ids[3], { index: 0 });
		syncDocs(a, b, c);
		expectConverged(a, b, c);
		const order = titles(a);
		expect(order.at(-1)).toBe('4 A');
		expect(new Set(order.map((t) => t.slice(2)))).toEqual(new Set(['A', 'B', 'C', 'D']));
		// After such a tie, inserting between the tied items still works (rekeying if needed).
		const view = readMeeting(a).agenda;
		moveItem(a, ids[0], { index: 1 });
		expect(readMeeting(a).agenda.map((item) => item.id)).toEqual([view[0].id, ids[0], view[1].id, view[2].id]);
	});

	it('two add items at the end at once: both kept, numbered the same everywhere', () => {
		const { doc: a } = meetingWithItems(['Välkommen']);
		const b = replicaOf(a);
		addItem(a, { title: 'Från A' });
		addItem(b, { title: 'Från B' });
		syncDocs(a, b);
		expectConverged(a, b);
		expect(titles(a)).toHaveLength(3);
	});

	it('concurrent moves into a sub-item and of its parent resolve to one level of nesting', () => {
		const { doc: a, ids } = meetingWithItems(['P', 'Q', 'X']);
		const b = replicaOf(a);
		moveItem(a, ids[2], { parentId: ids[0], index: 0 }); // X under P
		moveItem(b, ids[0], { parentId: ids[1], index: 0 }); // P under Q
		syncDocs(a, b);
		expectConverged(a, b);
		// P and X both hold the first key under their parents, so their order is by (random) id.
		const merged = titles(a);
		expect(merged[0]).toBe('1 Q');
		expect(merged.slice(1).map((t) => t.slice(0, 2)).sort()).toEqual(['1a', '1b']);
		expect(merged.slice(1).map((t) => t.slice(3)).sort()).toEqual(['P', 'X']);
	});

	it('two items made each other\'s parent at once both stay top-level', () => {
		const { doc: a, ids } = meetingWithItems(['P', 'Q']);
		const b = replicaOf(a);
		moveItem(a, ids[0], { parentId: ids[1], index: 0 });
		moveItem(b, ids[1], { parentId: ids[0], index: 0 });
		syncDocs(a, b);
		expectConverged(a, b);
		expect(titles(a).map((t) => t.split(' ')[0])).toEqual(['1', '2']);
	});

	it('two add decisions at once: both kept, numbered 1 and 2 identically on every replica', () => {
		const { doc: a, ids } = meetingWithItems(['Samordnad varudistribution']);
		const b = replicaOf(a);
		const c = replicaOf(a);
		const fromA = addDecision(a, ids[0], { text: 'Förläng avtalet', now: at('09:30') });
		const fromB = addDecision(b, ids[0], { text: 'Bilda styrgrupp', now: at('09:30') });
		syncDocs(a, b, c);
		expectConverged(a, b, c);
		const decisions = readMeeting(c).agenda[0].decisions;
		expect(decisions.map((d) => d.number)).toEqual([1, 2]);
		expect(decisions.map((d) => d.id).sort()).toEqual([fromA, fromB].sort());
	});

	it('two edit the same decision wording at once: both edits merge', () => {
		const { doc: a, ids } = meetingWithItems(['A']);
		const id = addDecision(a, ids[0], { text: 'Ledningsgruppen beslutar' });
		const b = replicaOf(a);
		getDecisionText(a, ids[0], id).insert(0, 'Enhälligt: ');
		const textB = getDecisionText(b, ids[0], id);
		textB.insert(textB.length, ' att godkänna förslaget.');
		syncDocs(a, b);
		expect(readMeeting(b).agenda[0].decisions[0].text).toBe('Enhälligt: Ledningsgruppen beslutar att godkänna förslaget.');
	});

	it('concurrent typing in the same notes merges character by character', () => {
		const { doc: a, ids } = meetingWithItems(['A']);
		getItemNotes(a, ids[0]).insert(0, 'Alla är positiva.');
		const b = replicaOf(a);
		getItemNotes(a, ids[0]).insert(0, 'Diskussion: ');
		getItemNotes(b, ids[0]).insert('Alla är positiva.'.length, ' Frågan tas upp igen.');
		syncDocs(a, b);
		expectConverged(a, b);
		expect(readMeeting(a).agenda[0].notes).toBe('Diskussion: Alla är positiva. Frågan tas upp igen.');
	});

	it('one removes an item while another writes in it: removed, nothing lost, restorable', () => {
		const { doc: a, ids } = meetingWithItems(['A', 'B', 'C']);
		const b = replicaOf(a);
		removeItem(a, ids[1], { now: at('09:00') });
		getItemNotes(b, ids[1]).insert(0, 'Viktig anteckning');
		const decision = addDecision(b, ids[1], { text: 'Beslut fattat under tiden' });
		syncDocs(a, b);
		expectConverged(a, b);
		let view = readMeeting(a);
		expect(titles(a)).toEqual(['1 A', '2 C']);
		expect(view.removedItems).toHaveLength(1);
		expect(view.removedItems[0]).toMatchObject({ id: ids[1], notes: 'Viktig anteckning' });
		expect(view.removedItems[0].decisions.map((d) => d.id)).toEqual([decision]);
		restoreItem(b, ids[1]);
		syncDocs(a, b);
		view = readMeeting(a);
		expect(titles(a)).toEqual(['1 A', '2 B', '3 C']);
		expect(view.agenda[1].notes).toBe('Viktig anteckning');
	});

	// Concurrent appends are ordered by clientID, so each case runs with both orders.
	const mergeOrders = [
		[1, 2],
		[2, 1]
	] as const;

	it.each(mergeOrders)('two press "next" at once: the agenda moves once, no item is skipped (clients %i/%i)', (idA, idB) => {
		const { doc: base, ids } = meetingWithItems(['A', 'B', 'C', 'D']);
		openMeeting(base, { now: at('08:30') });
		nextItem(base, { now: at('08:30') });
		const a = replicaOf(base, idA);
		const b = replicaOf(base, idB);
		expect(nextItem(a, { expectedCurrentItemId: ids[0], now: at('08:40') }).currentItemId).toBe(ids[1]);
		expect(nextItem(b, { expectedCurrentItemId: ids[0], now: at('08:40') }).currentItemId).toBe(ids[1]);
		syncDocs(a, b);
		expectConverged(a, b);
		const view = readMeeting(a);
		expect(view.live.currentItemId).toBe(ids[1]);
		expect(view.agenda.map((item) => item.status)).toEqual(['done', 'active', 'pending', 'pending']);
		const starts = view.events.filter((e) => e.type === 'item_started' && e.itemId === ids[1]);
		expect(starts.map((e) => e.applied)).toEqual([true, false]);
	});

	it.each(mergeOrders)('an offline replica that went further is not rolled back by a stale "next" (clients %i/%i)', (idA, idB) => {
		const { doc: base, ids } = meetingWithItems(['A', 'B', 'C', 'D']);
		openMeeting(base, { now: at('08:30') });
		nextItem(base, { now: at('08:30') });
		const a = replicaOf(base, idA);
		const b = replicaOf(base, idB);
		nextItem(a, { now: at('08:40') }); // A → B
		nextItem(b, { now: at('08:41') }); // A → B
		nextItem(b, { now: at('08:50') }); // B → C
		syncDocs(a, b);
		expectConverged(a, b);
		const view = readMeeting(a);
		expect(view.live.currentItemId).toBe(ids[2]);
		expect(view.agenda.map((item) => item.status)).toEqual(['done', 'done', 'active', 'pending']);
	});

	it.each(mergeOrders)('concurrent "go to" and "suspend": exactly one applies, the same everywhere (clients %i/%i)', (idA, idB) => {
		const { doc: base, ids } = meetingWithItems(['A', 'B', 'C']);
		openMeeting(base, { now: at('08:30') });
		startItem(base, ids[0], { now: at('08:30') });
		const a = replicaOf(base, idA);
		const b = replicaOf(base, idB);
		startItem(a, ids[2], { now: at('08:40') });
		suspendCurrentItem(b, { forItemId: ids[1], now: at('08:40') });
		syncDocs(a, b);
		expectConverged(a, b);
		const view = readMeeting(a);
		const [first, second] = view.events.slice(-2);
		expect([first.applied, second.applied]).toEqual([true, false]);
		if (first.type === 'item_started') {
			expect(view.live.currentItemId).toBe(ids[2]);
			expect(view.agenda.map((item) => item.status)).toEqual(['done', 'pending', 'active']);
		} else {
			expect(view.live.currentItemId).toBe(ids[1]);
			expect(view.agenda.map((item) => item.status)).toEqual(['suspended', 'active', 'pending']);
		}
	});

	it('concurrent participant edits: different fields both survive, same field converges', () => {
		const { doc: a } = meetingWithItems([]);
		const id = addParticipant(a, { name: 'Kristina Tidestav', organisation: 'Nynäshamn' });
		const b = replicaOf(a);
		const c = replicaOf(a);
		updateParticipant(a, id, { organisation: 'Nynäshamns kommun' });
		setAttendance(b, id, 'remote');
		updateParticipant(b, id, { role: 'adjuster' });
		updateParticipant(c, id, { role: 'secretary' });
		addParticipant(c, { name: 'Ny deltagare' });
		syncDocs(a, b, c);
		expectConverged(a, b, c);
		const p = readMeeting(a).participants.find((x) => x.id === id)!;
		expect(p.organisation).toBe('Nynäshamns kommun');
		expect(p.attendance).toBe('remote');
		expect(['adjuster', 'secretary']).toContain(p.role);
		expect(readMeeting(a).participants).toHaveLength(2);
	});

	it('a participant removed while another edits them stays removed, with the edit kept', () => {
		const { doc: a } = meetingWithItems([]);
		const id = addParticipant(a, { name: 'Petra Oxonius' });
		const b = replicaOf(a);
		removeParticipant(a, id);
		setAttendance(b, id, 'absent');
		syncDocs(a, b);
		expectConverged(a, b);
		const view = readMeeting(a);
		expect(view.participants).toEqual([]);
		expect(view.removedParticipants[0].attendance).toBe('absent');
	});

	it('the same extract recipient added on two replicas appears once', () => {
		const { doc: a, ids } = meetingWithItems(['A']);
		const b = replicaOf(a);
		addExtractRecipient(a, ids[0], 'Södertörns högskola');
		addExtractRecipient(b, ids[0], 'Södertörns högskola');
		syncDocs(a, b);
		expect(readMeeting(a).agenda[0].extractRecipients).toEqual(['Södertörns högskola']);
	});
});
