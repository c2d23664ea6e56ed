/**
 * The seed fixture (tests/fixtures/seed-ledningsgrupp-2023-06-09.ts) must read back as the
 * seed records it: checked against the structured reading (.json) and, for wording,
 * against the minutes text itself (.txt).
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	SEED_CLOSING_NOTE,
	SEED_DECISION_NOTE,
	buildLedningsgrupp20230609
} from '../../../tests/fixtures/seed-ledningsgrupp-2023-06-09.js';
import { seedsFor } from '../../../tests/fixtures/seeds.js';
import { readMeeting, type MeetingView } from './index.js';

const seeds = seedsFor('src/lib/meeting/seed-fixture.test.ts', ['ledningsgrupp-2023-06-09.txt', 'ledningsgrupp-2023-06-09.json']);
const seedText = seeds?.read('ledningsgrupp-2023-06-09.txt') ?? '';
const reading = JSON.parse(seeds?.read('ledningsgrupp-2023-06-09.json') ?? '{}') as {
	participants: { name: string; org: string; role?: string; attendance?: string }[];
	guests: { name: string; org: string; items: number[] }[];
	items: {
		n: number;
		title: string;
		kind?: string;
		presenters?: string[];
		decisions?: string[];
		assignments?: { owner: string; due?: string }[];
	}[];
	flowOrder: string[];
	notReached: number[];
};

const normalise = (text: string) => text.replace(/\s+/g, ' ').trim();
const normalisedSeed = normalise(seedText);

function expectInSeedText(text: string): void {
	for (const line of text.split('\n')) {
		if (line.trim() === '') continue;
		expect(normalisedSeed, `seed text should contain: ${line}`).toContain(normalise(line));
	}
}

const seed = buildLedningsgrupp20230609();
const view = readMeeting(seed.doc);
const byNumber = (view: MeetingView, n: number) => view.agenda.find((item) => item.number === String(n))!;

describe.skipIf(!seeds)('seed fixture: ledningsgrupp 2023-06-09', () => {
	it('has the header and the next meeting', () => {
		expect(view.header).toEqual({
			title: 'Södertörnskommunernas ledningsgrupp 9 juni 2023',
			groupName: 'Södertörnskommunernas ledningsgrupp',
			kind: 'notes',
			date: '2023-06-09',
			startTime: '08:30',
			endTime: '11:00',
			place: 'Huddinge kommunhus, lokal Valhall',
			nextMeeting: { date: '2023-09-21', time: '12:00', place: 'Häringe slott', note: 'Planeringskonferens' }
		});
		expect(normalisedSeed).toContain('Plats Huddinge kommunhus, lokal Valhall');
	});

	it('has every participant with organisation, role and attendance, in the seed order', () => {
		const expected = [...reading.participants.map((p) => p.name), ...reading.guests.map((g) => g.name)];
		expect(view.participants.map((p) => p.name)).toEqual(expected);
		for (const p of reading.participants) {
			const actual = view.participants.find((x) => x.name === p.name)!;
			expect(actual.organisation).toBe(p.org);
			expect(actual.role).toBe(p.role ?? 'member');
			expect(actual.attendance).toBe(p.attendance ?? 'room');
			expect(actual.section).toBe('members');
			expect(actual.checkedIn).toBe(actual.attendance !== 'absent');
		}
		for (const g of reading.guests) {
			const actual = view.participants.find((x) => x.name === g.name)!;
			expect(actual).toMatchObject({ organisation: g.org, role: 'guest', section: 'others', checkedIn: true });
			expect(actual.items).toEqual({ scope: 'only', itemIds: g.items.map((n) => seed.items[n]) });
		}
		expect(view.participants.find((p) => p.name === 'Mikael Blomberg')!.title).toBe('verksamhetschef');
	});

	it('has the eleven items with titles, kinds and presenters', () => {
		expect(view.agenda.map((item) => item.number)).toEqual(reading.items.map((item) => String(item.n)));
		for (const expected of reading.items) {
			const item = byNumber(view, expected.n);
			expect(item.title).toBe(expected.title);
			expect(item.kind).toBe(expected.kind ?? null);
			expect(item.presenters.map((p) => p.name)).toEqual(expected.presenters ?? []);
		}
		expect(normalisedSeed).toContain('7. Verksamhetsplan och budget (beslutspunkt)');
	});

	it('has notes and decisions worded as in the seed text, without the flow sentences', () => {
		for (const item of view.agenda) {
			expectInSeedText(item.notes);
			for (const decision of item.decisions) expectInSeedText(decision.text);
			expect(item.notes).not.toMatch(/Mötet bryts|återupptas|hanns inte med/);
		}
		expect(byNumber(view, 1).notes).toContain('Inga övriga frågor anmäls.');
		expect(byNumber(view, 8).notes).toContain('Totalt deltog 67 personer');
		expect(byNumber(view, 11).notes).toBe('Planeringskonferens med start kl 12.00 den 21 september på Häringeslott.');
		expectInSeedText(SEED_DECISION_NOTE);
		expectInSeedText(SEED_CLOSING_NOTE);
	});

	it('has the decisions of the structured reading, numbered, with item 4\'s footnote', () => {
		for (const expected of reading.items) {
			const decisions = byNumber(view, expected.n).decisions;
			expect(decisions.map((d) => d.number)).toEqual((expected.decisions ?? []).map((_, i) => i + 1));
		}
		expect(byNumber(view, 3).decisions[0].text).toBe(
			'Frågan tas upp igen på ledningsgruppens planeringskonferens den 21 september.'
		);
		const item4 = byNumber(view, 4).decisions;
		expect(item4[0].text).toMatch(/^Uppdra till förvaltningsorganisationen för samordnad varudistribution att:\n- förlänga nuvarande avtal i 12 månader/);
		expect(item4[1].text).toMatch(/^Ekonomidirektörer i respektive kommun/);
		expect(item4.map((d) => d.note)).toEqual([null, '*Södertälje kommun deltar inte i beslutet ovan.']);
	});

	it('has the assignments with owners and due dates', () => {
		for (const expected of reading.items) {
			const assignments = byNumber(view, expected.n).assignments;
			expect(assignments.map((a) => a.owner?.name)).toEqual((expected.assignments ?? []).map((a) => a.owner));
		}
		expect(byNumber(view, 4).assignments[0]).toMatchObject({ dueText: 'september', dueDate: null, status: 'open' });
		expect(byNumber(view, 9).assignments[0]).toMatchObject({ dueDate: '2023-06-09' });
		expect(byNumber(view, 6).assignments[0].owner?.participantId).toBe(seed.people.helene);
	});

	it('records the live flow: 7 suspended for 9, resumed after 10; 8 not reached; a break; closed', () => {
		expect(view.events.every((e) => e.applied)).toBe(true);
		const number = (id: string | null) => view.agenda.find((item) => item.id === id)?.number;
		const flow: string[] = [];
		for (const event of view.events) {
			if (event.type === 'item_started') flow.push(number(event.itemId)!);
			// The reading names an item's stretch by how it ended: "7 (suspended)".
			if (event.type === 'item_suspended') flow.splice(-1, 1, `${number(event.itemId)} (suspended)`, number(event.forItemId)!);
			if (event.type === 'item_resumed') flow.push(`${number(event.itemId)} (resumed)`);
		}
		expect(flow).toEqual(reading.flowOrder);
		expect(view.agenda.filter((item) => item.status === 'not_reached').map((item) => Number(item.number))).toEqual(reading.notReached);
		expect(view.agenda.filter((item) => item.status !== 'not_reached').every((item) => item.status === 'done')).toBe(true);
		expect(view.live).toMatchObject({
			status: 'closed',
			currentItemId: null,
			openedAt: '2023-06-09T06:30:00.000Z',
			closedAt: '2023-06-09T09:00:00.000Z',
			closingNote: SEED_CLOSING_NOTE,
			breaks: [{ startedAt: '2023-06-09T07:45:00.000Z', endedAt: '2023-06-09T07:55:00.000Z', note: 'Kort paus' }]
		});
		expect(view.events.every((e) => e.by === seed.people.magnus)).toBe(true);
		const total = view.agenda.reduce((sum, item) => sum + item.timeSpentMs, 0);
		expect(total).toBe((150 - 10) * 60_000);
		expect(byNumber(view, 8).timeSpentMs).toBe(0);
	});

	it('places item 7\'s decisions before the suspension and after the resumption', () => {
		const suspended = view.events.find((e) => e.type === 'item_suspended')!.at;
		const resumed = view.events.find((e) => e.type === 'item_resumed')!.at;
		const [first, second] = byNumber(view, 7).decisions;
		expect(Date.parse(first.createdAt!)).toBeLessThan(Date.parse(suspended));
		expect(Date.parse(second.createdAt!)).toBeGreaterThan(Date.parse(resumed));
	});

	it('has the outstanding matters of item 5 in the parking lot', () => {
		expect(view.parkingLot.map((e) => [e.kind, e.sourceItemId, e.destination.kind])).toEqual([
			['question', seed.items[5], 'unspecified'],
			['question', seed.items[5], 'date']
		]);
	});

	it('reads the same after a round trip through an encoded update', () => {
		const copy = new Y.Doc();
		Y.applyUpdate(copy, Y.encodeStateAsUpdate(seed.doc));
		expect(readMeeting(copy)).toEqual(view);
	});

	it('can leave out the break the seed text does not mention', () => {
		const plain = readMeeting(buildLedningsgrupp20230609({ includeBreak: false }).doc);
		expect(plain.live.breaks).toEqual([]);
		expect(plain.events.some((e) => e.type === 'break_started')).toBe(false);
		expect(plain.agenda.reduce((sum, item) => sum + item.timeSpentMs, 0)).toBe(150 * 60_000);
	});
});
