/**
 * Search over a group's minutes: meeting titles, item titles, notes and decisions.
 * Pure, so the browser runs it over the device's copies (offline) and the server over
 * its stored documents with the same results.
 */
import type * as Y from 'yjs';
import { readMeeting } from '../meeting/index.js';

export type SearchField = 'title' | 'item' | 'notes' | 'decision';

export interface SearchHit {
	readonly meetingId: string;
	readonly meetingTitle: string;
	readonly meetingDate: string | null;
	readonly field: SearchField;
	readonly itemNumber: string | null;
	readonly itemTitle: string | null;
	/** Up to ~160 characters around the first match. */
	readonly excerpt: string;
}

export const MIN_QUERY_LENGTH = 2;
const CONTEXT = 70;

function normalise(text: string): string {
	return text.toLocaleLowerCase('sv');
}

function excerptOf(text: string, at: number, length: number): string {
	const start = Math.max(0, at - CONTEXT);
	const end = Math.min(text.length, at + length + CONTEXT);
	return `${start > 0 ? '…' : ''}${text.slice(start, end).replace(/\s+/g, ' ').trim()}${end < text.length ? '…' : ''}`;
}

/** Hits for `query` (case-insensitive substring, at least MIN_QUERY_LENGTH characters), newest meeting first. */
export function searchMeetings(meetings: readonly { id: string; doc: Y.Doc }[], query: string, limit = 50): SearchHit[] {
	const q = normalise(query.trim());
	if (q.length < MIN_QUERY_LENGTH) return [];
	const hits: SearchHit[] = [];
	const views = meetings.map((m) => ({ id: m.id, view: readMeeting(m.doc) })).filter((m) => m.view.initialised);
	views.sort((a, b) => (b.view.header.date ?? '').localeCompare(a.view.header.date ?? '') || (a.id < b.id ? -1 : 1));
	for (const { id, view } of views) {
		const base = { meetingId: id, meetingTitle: view.header.title, meetingDate: view.header.date };
		const check = (field: SearchField, text: string, item: { number: string; title: string } | null) => {
			const at = normalise(text).indexOf(q);
			if (at === -1) return;
			hits.push(Object.freeze({ ...base, field, itemNumber: item?.number ?? null, itemTitle: item?.title ?? null, excerpt: excerptOf(text, at, q.length) }));
		};
		check('title', view.header.title, null);
		for (const item of view.agenda) {
			check('item', item.title, item);
			check('notes', item.notes, item);
			for (const decision of item.decisions) check('decision', decision.text, item);
		}
	}
	return hits.slice(0, limit);
}
