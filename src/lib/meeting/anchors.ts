/**
 * A place in an item's notes that moves with the text: a Yjs relative position stored as
 * a plain JSON value (`{ type?, item?, assoc }` of client/clock numbers). A decision
 * anchored there stays after the words written before it, however much is typed or
 * deleted around it, on every replica. If those words are deleted the anchor falls back
 * to where they were.
 */
import * as Y from 'yjs';

export type NotesAnchor = Record<string, unknown>;

/** The anchor just after the character before `offset` (the start of the notes for 0). */
export function anchorAt(text: Y.Text, offset: number): NotesAnchor {
	const index = Math.max(0, Math.min(Math.trunc(offset), text.length));
	// Through JSON: Yjs puts its own ID instances in; the document holds plain values only.
	return JSON.parse(JSON.stringify(Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, index, -1)))) as NotesAnchor;
}

/** The anchor's current offset in `text`, or null when it does not point into it. */
export function resolveAnchor(text: Y.Text, anchor: unknown): number | null {
	const doc = text.doc;
	if (!doc || typeof anchor !== 'object' || anchor === null || Array.isArray(anchor)) return null;
	try {
		const position = Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(anchor), doc);
		return position && position.type === text ? position.index : null;
	} catch {
		// A malformed value written by someone else reads as "no place".
		return null;
	}
}
