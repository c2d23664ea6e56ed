/**
 * A realistic long meeting, built only through the meeting model: 12 participants and
 * 14 agenda items, opened and run item by item over three hours. Most edits are
 * keystrokes into the current item's notes (with corrections), decisions are added and
 * their wording typed, agenda items are moved now and then, people check in late.
 * Every model call or keystroke is its own transaction, i.e. its own Yjs update, as a
 * browser client would send it. Deterministic (seeded) so runs compare.
 */
import * as Y from 'yjs';
import {
	addDecision,
	addItem,
	addParticipant,
	closeMeeting,
	getDecisionText,
	getItemNotes,
	initMeeting,
	moveItem,
	nextItem,
	openMeeting,
	setCheckedIn
} from '../../src/lib/meeting/index.ts';
import { SEED_NOTES } from '../../tests/fixtures/seed-ledningsgrupp-2023-06-09.ts';

export interface GeneratedMeeting {
	doc: Y.Doc;
	/** Every update in the order it happened. */
	updates: Uint8Array[];
	counts: { keystrokes: number; deletions: number; decisions: number; moves: number; other: number };
}

/** Small deterministic PRNG (mulberry32): the same meeting every run. */
function random(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const PEOPLE = [
	'Magnus Gyllestad', 'Camilla Broo', 'Daniel Wiklander', 'Anna Ljungdell', 'Steinunn Thorsdottir',
	'Ingrid Kjellin', 'Petter Björk', 'Sara Holm', 'Jonas Ek', 'Lena Dahl', 'Omar Haddad', 'Eva Strand'
];
const ITEMS = [
	'Välkommen', 'Val av justerare', 'Föregående protokoll', 'Ekonomisk uppföljning', 'Kompetensutveckling',
	'Samordnad varudistribution', 'Verksamhetsplan och budget', 'Lokalförsörjning', 'Digitalisering',
	'Södertörnskonferensen', 'RUFS', 'Rapporter', 'Övriga frågor', 'Nästa möte'
];
const PROSE = Object.values(SEED_NOTES).join('\n\n');

/** Builds the meeting; `edits` is the least number of updates to produce (≥ 50,000 for the full run). */
export function buildThreeHourMeeting(edits: number, seed = 20230609): GeneratedMeeting {
	const rand = random(seed);
	const doc = new Y.Doc();
	const updates: Uint8Array[] = [];
	doc.on('update', (update: Uint8Array) => updates.push(update));
	const counts = { keystrokes: 0, deletions: 0, decisions: 0, moves: 0, other: 0 };
	const start = Date.parse('2023-06-09T08:30:00+02:00');
	// Three hours spread evenly over the edits, so the event log carries plausible times.
	const at = () => new Date(start + (updates.length / edits) * 3 * 3600_000).toISOString();

	initMeeting(doc, { title: 'Ledningsgrupp, långt möte', kind: 'minutes', date: '2023-06-09', startTime: '08:30', endTime: '11:30', now: at() });
	const people = PEOPLE.map((name) => addParticipant(doc, { name, now: at() }));
	const items = ITEMS.map((title) => addItem(doc, { title, plannedMinutes: 10 + Math.floor(rand() * 20), now: at() }));
	counts.other += 1 + people.length + items.length;
	openMeeting(doc, { now: at() });
	nextItem(doc, { now: at() });
	let current = 0;
	let prose = Math.floor(rand() * PROSE.length);
	const perItem = Math.ceil(edits / items.length);

	/** Types `count` characters of Swedish prose into `text`, mostly at the end, with backspaces. */
	const typeInto = (text: Y.Text, count: number) => {
		for (let i = 0; i < count; i++) {
			if (text.length > 0 && rand() < 0.06) {
				text.delete(text.length - 1, 1);
				counts.deletions++;
				continue;
			}
			const position = rand() < 0.93 ? text.length : Math.floor(rand() * (text.length + 1));
			text.insert(position, PROSE[prose++ % PROSE.length]);
			counts.keystrokes++;
		}
	};

	while (updates.length < edits) {
		const itemId = items[current % items.length];
		const notes = getItemNotes(doc, itemId);
		const budget = updates.length + perItem;
		while (updates.length < Math.min(budget, edits)) {
			const roll = rand();
			if (roll < 0.02) {
				const decisionId = addDecision(doc, itemId, { text: 'Ledningsgruppen beslutar att ', now: at() });
				typeInto(getDecisionText(doc, itemId, decisionId), 60 + Math.floor(rand() * 140));
				counts.decisions++;
			} else if (roll < 0.035) {
				moveItem(doc, items[Math.floor(rand() * items.length)], { index: Math.floor(rand() * items.length) });
				counts.moves++;
			} else if (roll < 0.045) {
				setCheckedIn(doc, people[Math.floor(rand() * people.length)], true, { now: at() });
				counts.other++;
			} else {
				typeInto(notes, 20 + Math.floor(rand() * 60));
			}
		}
		current++;
		if (current < items.length) {
			nextItem(doc, { now: at() });
			counts.other++;
		}
	}
	closeMeeting(doc, { now: at() });
	counts.other++;
	return { doc, updates, counts };
}
