/**
 * 4. The meeting read and the minutes, in process (what every device does):
 * - `readMeeting` after a keystroke — the room reads the whole meeting once per
 *   transaction — for a long meeting whose decisions are placed in the notes (each
 *   place a Yjs relative position resolved on every read) and for the same meeting
 *   without places;
 * - `buildMinutes` + `renderText` (the minutes screen and the text export), and
 *   `renderDocx` (the Word export) of that meeting.
 * The meeting: `items` items whose notes were typed one character per transaction by
 * three writers in turn (the most fragmented Y.Text there is), with nested lists and
 * sub-headings, and `decisionsPerItem` decisions per item placed through the notes.
 */
import * as Y from 'yjs';
import { addDecision, addItem, createMeeting, getItemNotes, readMeeting } from '../../src/lib/meeting/index.ts';
import { buildMinutes, renderDocx, renderText } from '../../src/lib/minutes/index.ts';
import type { BenchResult } from '../lib/report.ts';
import { Samples, round } from '../lib/stats.ts';

export interface MinutesParams {
	items: number;
	/** Characters typed per item's notes. */
	notesChars: number;
	decisionsPerItem: number;
	/** Timed repetitions of each measurement. */
	repeats: number;
}

export const minutesFull: MinutesParams = { items: 20, notesChars: 2_000, decisionsPerItem: 5, repeats: 50 };
export const minutesSmoke: MinutesParams = { items: 3, notesChars: 200, decisionsPerItem: 2, repeats: 3 };

const LINES = ['Förvaltningen redogör för läget.', '# Diskussion', '- Bemanning', '  - sju vakanser', '1. Remiss', ''];

function buildMeeting(params: MinutesParams, placed: boolean): Y.Doc {
	const doc = createMeeting({ title: 'Långt möte', groupName: 'Benchgruppen', date: '2026-11-30', now: '2026-11-30T08:00:00Z' });
	const writers = [1, 2, 3].map(() => {
		const writer = new Y.Doc();
		Y.applyUpdate(writer, Y.encodeStateAsUpdate(doc));
		return writer;
	});
	const ids = Array.from({ length: params.items }, (_, i) => addItem(doc, { title: `Punkt ${i + 1}` }));
	for (const writer of writers) Y.applyUpdate(writer, Y.encodeStateAsUpdate(doc));
	const source = Array.from({ length: Math.ceil(params.notesChars / 40) }, (_, i) => LINES[i % LINES.length]).join('\n');
	for (const id of ids) {
		const every = Math.floor(params.notesChars / params.decisionsPerItem);
		for (let c = 0; c < params.notesChars; c++) {
			const writer = writers[c % writers.length];
			const notes = getItemNotes(writer, id);
			notes.insert(notes.length, source[c % source.length]);
			Y.applyUpdate(doc, Y.encodeStateAsUpdate(writer, Y.encodeStateVector(doc)));
			for (const other of writers) if (other !== writer) Y.applyUpdate(other, Y.encodeStateAsUpdate(doc, Y.encodeStateVector(other)));
			if ((c + 1) % every === 0) {
				const notesOffset = placed ? getItemNotes(doc, id).length : undefined;
				addDecision(doc, id, { text: `Att besluta ${c}.`, notesOffset });
				for (const other of writers) Y.applyUpdate(other, Y.encodeStateAsUpdate(doc, Y.encodeStateVector(other)));
			}
		}
	}
	for (const writer of writers) writer.destroy();
	return doc;
}

function time(repeats: number, run: () => unknown): { p50: number; p99: number } {
	const samples = new Samples();
	run();
	for (let i = 0; i < repeats; i++) {
		const started = performance.now();
		run();
		samples.push(performance.now() - started);
	}
	const { p50, p99 } = samples.summary();
	return { p50: round(p50), p99: round(p99) };
}

async function timeAsync(repeats: number, run: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
	const samples = new Samples();
	await run();
	for (let i = 0; i < repeats; i++) {
		const started = performance.now();
		await run();
		samples.push(performance.now() - started);
	}
	const { p50, p99 } = samples.summary();
	return { p50: round(p50), p99: round(p99) };
}

export async function runMinutes(params: MinutesParams): Promise<BenchResult> {
	const rows: BenchResult['rows'] = [];
	for (const placed of [false, true]) {
		const doc = buildMeeting(params, placed);
		const itemId = readMeeting(doc).agenda[0].id;
		let typed = 0;
		// A keystroke, then the read the room does after it.
		const read = time(params.repeats, () => {
			getItemNotes(doc, itemId).insert(0, String(typed++ % 10));
			return readMeeting(doc);
		});
		const view = readMeeting(doc);
		const text = time(params.repeats, () => renderText(buildMinutes(view)));
		const docx = await timeAsync(Math.max(1, Math.floor(params.repeats / 5)), () => renderDocx(buildMinutes(view)));
		rows.push({
			decisions: placed ? 'placed in the notes' : 'not placed',
			'notes chars': params.items * params.notesChars,
			'readMeeting p50 ms': read.p50,
			'readMeeting p99 ms': read.p99,
			'minutes text p50 ms': text.p50,
			'minutes text p99 ms': text.p99,
			'DOCX p50 ms': docx.p50,
			'DOCX p99 ms': docx.p99
		});
		doc.destroy();
	}
	return { name: 'minutes: meeting read per keystroke, minutes and DOCX', params: { ...params }, rows, notes: [] };
}
