/**
 * The meetings the browser figures are measured on, built through the domain model
 * (src/lib/meeting) as the UI would build them.
 */
import * as Y from 'yjs';
import { addDecision, addItem, getDecisionText, getItemNotes, initMeeting, moveItem, setItemNotes } from '../../src/lib/meeting/index.ts';
import { connectClient, createMeeting } from '../../testkit/clients.ts';
import { waitFor } from '../../testkit/wait.ts';

/** Agenda titles; the first one is what "content visible" waits for (top of the list, in view). */
export const ITEM_TITLES = [
	'Uppföljning av budget för tredje kvartalet',
	'Val av justerare',
	'Godkännande av dagordningen',
	'Föregående protokoll',
	'Kompetensutveckling i samarbete med högskolan',
	'Digitalisering av ärendehanteringen',
	'Verksamhetsplan och budget 2025',
	'Lokalförsörjning',
	'Rapporter från arbetsgrupperna',
	'Övriga frågor',
	'Nästa möte'
];
export const MARKER = ITEM_TITLES[0];

const SENTENCES = [
	'Ordföranden redogjorde för läget och konstaterade att arbetet går enligt plan. ',
	'Gruppen diskuterade hur kommunerna kan samordna upphandlingen av nya system. ',
	'Sekreteraren fick i uppdrag att sammanställa synpunkterna till nästa möte. ',
	'Det noterades att två kommuner ännu inte har lämnat in sina underlag. ',
	'Budgetutfallet visar ett litet överskott som föreslås föras över till nästa år. ',
	'Frågan om gemensam utbildningsdag bordläggs i väntan på fler uppgifter. '
];

/** A small deterministic generator, so every run builds the same history. */
function random(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
		return state / 2 ** 32;
	};
}

/** Fills a meeting document: 11 items with notes and a few decisions (about 6 KB of text). */
function fillAgenda(doc: Y.Doc, title: string): void {
	initMeeting(doc, { title });
	ITEM_TITLES.forEach((itemTitle, index) => {
		const id = addItem(doc, { title: itemTitle });
		setItemNotes(doc, id, SENTENCES.slice(0, 2 + (index % 4)).join('').trim());
		if (index % 3 === 0) addDecision(doc, id, { text: `Mötet beslutade att godkänna förslaget under punkt ${index + 1}.` });
	});
}

/** Creates a meeting on the server through its API and fills it through a y-websocket client from Node. */
export async function createAgendaMeeting(origin: string): Promise<{ id: string; token: string }> {
	const title = 'Ledningsgruppens möte (mätning)';
	const { id, token } = await createMeeting(origin, title, { sample: false });
	const client = connectClient(origin, id, token);
	try {
		await client.synced();
		fillAgenda(client.doc, title);
		await waitFor(() => client.allSaved(), 'server saved the agenda meeting', 20_000);
	} finally {
		client.destroy();
	}
	return { id, token };
}

export interface EditHistory {
	/** Every update, one per edit, in order: what a device that saw the whole meeting appends to IndexedDB. */
	updates: Uint8Array[];
	/** Byte size of all updates, and of the compacted document. */
	updateBytes: number;
	compactedBytes: number;
	mix: { typed: number; deleted: number; decisions: number; moves: number; other: number };
}

/**
 * A long meeting: mostly typing into item notes one character per update (with some
 * backspacing), decisions added and then typed into, and agenda items moved.
 */
export function buildEditHistory(minEdits: number, title = 'Långt möte (mätning)'): EditHistory {
	const doc = new Y.Doc();
	const updates: Uint8Array[] = [];
	doc.on('update', (update: Uint8Array) => updates.push(update));
	const next = random(2024);
	const mix = { typed: 0, deleted: 0, decisions: 0, moves: 0, other: 0 };
	initMeeting(doc, { title });
	const items = ITEM_TITLES.map((itemTitle) => addItem(doc, { title: itemTitle }));
	mix.other = updates.length;

	const typeInto = (text: Y.Text, sentence: string) => {
		for (const char of sentence) {
			text.insert(text.length, char);
			mix.typed++;
			if (next() < 0.03) {
				const count = 1 + Math.floor(next() * 4);
				for (let i = 0; i < count && text.length > 0; i++) {
					text.delete(text.length - 1, 1);
					mix.deleted++;
				}
			}
		}
	};

	while (updates.length < minEdits) {
		const itemId = items[Math.floor(next() * items.length)];
		typeInto(getItemNotes(doc, itemId), SENTENCES[Math.floor(next() * SENTENCES.length)]);
		const roll = next();
		if (roll < 0.08) {
			const decisionId = addDecision(doc, itemId, { text: 'Mötet beslutade ' });
			mix.decisions++;
			typeInto(getDecisionText(doc, itemId, decisionId), 'att godkänna förslaget och uppdra åt sekreteraren att återkomma.');
		} else if (roll < 0.1) {
			moveItem(doc, items[Math.floor(next() * items.length)], { index: Math.floor(next() * items.length) });
			mix.moves++;
		}
	}
	const compacted = Y.encodeStateAsUpdate(doc);
	doc.destroy();
	return {
		updates,
		updateBytes: updates.reduce((sum, update) => sum + update.byteLength, 0),
		compactedBytes: compacted.byteLength,
		mix
	};
}
