import { describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { meetingWithItems } from '../../../tests/fixtures/meeting-factories.js';
import { replicaOf, syncDocs } from '../../../tests/fixtures/yjs-sync.js';
import { createTextUndo, getItemNotes, UNDO_CAPTURE_MS, type TextUndo } from './index.js';

/** Types `value` quickly, one character per transaction, as an editor bound to the text does. */
function type(text: Y.Text, undo: TextUndo, value: string): void {
	for (const char of value) text.doc!.transact(() => text.insert(text.length, char), undo.origin);
}

// The undo manager reads the wall clock (lib0 keeps its own Date.now), so a pause is a real one.
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('undo of one person’s notes', () => {
	it('takes back a phrase typed in one go, not one character', async () => {
		const { doc, ids } = meetingWithItems(['Budget']);
		const notes = getItemNotes(doc, ids[0]);
		const undo = createTextUndo(notes);
		type(notes, undo, 'Förslaget bordläggs.');
		await pause(UNDO_CAPTURE_MS + 100);
		type(notes, undo, ' Beslut fattas nu');

		expect(undo.undo()).toBe(true);
		expect(notes.toString()).toBe('Förslaget bordläggs.');
		expect(undo.redo()).toBe(true);
		expect(notes.toString()).toBe('Förslaget bordläggs. Beslut fattas nu');
		expect(undo.canRedo()).toBe(false);
		undo.destroy();
	});

	it('never takes back what someone else wrote, before or in between', () => {
		const { doc, ids } = meetingWithItems(['Budget']);
		const other = replicaOf(doc);
		const mine = getItemNotes(doc, ids[0]);
		const theirs = getItemNotes(other, ids[0]);
		const undo = createTextUndo(mine);

		theirs.insert(0, 'Anna: ja.');
		syncDocs(doc, other);
		type(mine, undo, ' Beslut fattas nu');
		// Their edit arrives while mine is still the last step.
		theirs.insert(0, 'Per: nej. ');
		syncDocs(doc, other);
		expect(mine.toString()).toBe('Per: nej. Anna: ja. Beslut fattas nu');

		expect(undo.undo()).toBe(true);
		expect(mine.toString()).toBe('Per: nej. Anna: ja.');
		// Nothing of mine is left: the remote edits are not on my stack.
		expect(undo.undo()).toBe(false);
		expect(mine.toString()).toBe('Per: nej. Anna: ja.');
		syncDocs(doc, other);
		expect(theirs.toString()).toBe('Per: nej. Anna: ja.');

		expect(undo.redo()).toBe(true);
		syncDocs(doc, other);
		expect(theirs.toString()).toBe('Per: nej. Anna: ja. Beslut fattas nu');
		undo.destroy();
	});

	it('leaves edits made with another origin on this device alone', () => {
		const { doc, ids } = meetingWithItems(['Budget']);
		const notes = getItemNotes(doc, ids[0]);
		const undo = createTextUndo(notes);
		type(notes, undo, 'Egen text.');
		doc.transact(() => notes.insert(0, 'Import. '), 'import');
		expect(undo.undo()).toBe(true);
		expect(notes.toString()).toBe('Import. ');
		undo.destroy();
	});

	it('ends a step at a line break, so fast typing is undone a line at a time', () => {
		const { doc, ids } = meetingWithItems(['Budget']);
		const notes = getItemNotes(doc, ids[0]);
		const undo = createTextUndo(notes);
		type(notes, undo, 'Första raden\nAndra raden');
		expect(undo.undo()).toBe(true);
		expect(notes.toString()).toBe('Första raden\n');
		expect(undo.undo()).toBe(true);
		expect(notes.toString()).toBe('');
		undo.destroy();
	});
});
