/**
 * A minimal initialised meeting with one agenda item whose id is fixed, so that clients of
 * the sync tests and benchmarks that never talked to each other type into the same real
 * notes (the only text the server's schema lets everyone write) without first learning a
 * random id. The app never uses it.
 */
import * as Y from 'yjs';
import { generateKeyBetween } from 'fractional-indexing';
import { roots } from './doc.js';
import { initMeeting } from './header.js';

export const SAMPLE_ITEM_ID = 'SampleItem000001';

/** The sample meeting as one Yjs update, written by a fresh client. */
export function sampleMeeting(title = 'Ledningsgrupp', now = new Date()): Uint8Array {
	const doc = new Y.Doc();
	initMeeting(doc, { title, now });
	const createdAt = now.toISOString();
	doc.transact(() => {
		const item = new Y.Map<unknown>();
		item.set('title', 'Anteckningar');
		item.set('parentId', null);
		item.set('kind', null);
		item.set('plannedMinutes', null);
		item.set('presenters', []);
		item.set('guests', []);
		item.set('order', generateKeyBetween(null, null));
		item.set('createdAt', createdAt);
		item.set('deletedAt', null);
		item.set('notes', new Y.Text());
		item.set('decisions', new Y.Map());
		item.set('assignments', new Y.Map());
		item.set('documents', new Y.Map());
		item.set('extractRecipients', new Y.Map());
		roots(doc).items.set(SAMPLE_ITEM_ID, item);
	});
	const update = Y.encodeStateAsUpdate(doc);
	doc.destroy();
	return update;
}

/** The sample item's notes in `doc`, or null until the sample meeting has arrived. */
export function sampleNotes(doc: Y.Doc): Y.Text | null {
	const item = doc.getMap('items').get(SAMPLE_ITEM_ID);
	const notes = item instanceof Y.Map ? item.get('notes') : null;
	return notes instanceof Y.Text ? notes : null;
}
