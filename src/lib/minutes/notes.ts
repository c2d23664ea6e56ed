/**
 * The notes' light line markup → blocks. Notes stay one plain Y.Text (co-edited character
 * by character in a textarea, see docs/meeting-schema.md "Notes markup"); the structure is
 * read from the lines:
 *
 * - a blank line ends a paragraph or a list;
 * - "# Rubrik" (one to three #) is a sub-heading;
 * - "- ", "– ", "• ", "* " or "o " starts a bullet, "1. " or "1) " a numbered entry; its
 *   indentation (two spaces or one tab per level) nests it under the entry above;
 * - an indented line without a marker continues the list entry above it;
 * - any other line belongs to the paragraph it is in.
 *
 * Each block remembers where it starts in the notes, so a decision anchored at an offset
 * can be placed after the block it was taken in.
 */
import type { ItemBlock, ListBlock, ListEntry } from './types.js';

export interface PlacedBlock {
	readonly block: ItemBlock;
	/** Offset in the notes of the block's first character. */
	readonly start: number;
}

interface MutableEntry {
	text: string;
	url: null;
	sublist: MutableList | null;
}

interface MutableList {
	type: 'list';
	ordered: boolean;
	items: MutableEntry[];
}

const HEADING = /^#{1,3}\s+(.*)$/;
const BULLET = /^(?:[-–•*]|o)\s+(.*)$/;
const NUMBERED = /^\d{1,3}[.)]\s+(.*)$/;

function indentOf(raw: string): number {
	let width = 0;
	for (const char of raw) {
		if (char === ' ') width += 1;
		else if (char === '\t') width += 2;
		else break;
	}
	return width;
}

/** The notes as blocks, each with its start offset. */
export function placedNotesBlocks(notes: string): PlacedBlock[] {
	const placed: PlacedBlock[] = [];
	let paragraph: { lines: string[]; start: number } | null = null;
	/** The open list's levels: indentation and the list at that level. */
	let levels: { indent: number; list: MutableList }[] = [];
	let listStart = 0;

	const flushParagraph = () => {
		if (paragraph) placed.push({ block: { type: 'paragraph', lines: paragraph.lines }, start: paragraph.start });
		paragraph = null;
	};
	const flushList = () => {
		if (levels.length > 0) placed.push({ block: levels[0].list as ListBlock, start: listStart });
		levels = [];
	};

	let offset = 0;
	for (const raw of notes.split('\n')) {
		const lineStart = offset;
		offset += raw.length + 1;
		const line = raw.trim();
		if (line === '') {
			flushParagraph();
			flushList();
			continue;
		}
		const heading = HEADING.exec(line);
		if (heading && heading[1].trim() !== '') {
			flushParagraph();
			flushList();
			placed.push({ block: { type: 'heading', text: heading[1].trim() }, start: lineStart });
			continue;
		}
		const bullet = BULLET.exec(line);
		const numbered = bullet ? null : NUMBERED.exec(line);
		const indent = indentOf(raw);
		if (bullet || numbered) {
			flushParagraph();
			const ordered = numbered !== null;
			const entry: MutableEntry = { text: (bullet ?? numbered)![1], url: null, sublist: null };
			while (levels.length > 0 && levels[levels.length - 1].indent > indent) levels.pop();
			const top = levels[levels.length - 1];
			if (!top) {
				flushList();
				listStart = lineStart;
				levels = [{ indent, list: { type: 'list', ordered, items: [entry] } }];
			} else if (top.indent === indent) {
				if (levels.length === 1 && top.list.ordered !== ordered) {
					// A numbered list right after a bulleted one (or the reverse) is a list of its own.
					flushList();
					listStart = lineStart;
					levels = [{ indent, list: { type: 'list', ordered, items: [entry] } }];
				} else {
					top.list.items.push(entry);
				}
			} else {
				const parent = top.list.items[top.list.items.length - 1];
				parent.sublist ??= { type: 'list', ordered, items: [] };
				parent.sublist.items.push(entry);
				levels.push({ indent, list: parent.sublist });
			}
			continue;
		}
		if (levels.length > 0 && indent > 0) {
			const top = levels[levels.length - 1].list;
			const last = top.items[top.items.length - 1];
			last.text = `${last.text}\n${line}`;
			continue;
		}
		flushList();
		if (paragraph) (paragraph as { lines: string[] }).lines.push(line);
		else paragraph = { lines: [line], start: lineStart };
	}
	flushParagraph();
	flushList();
	return placed;
}

/** The notes as blocks: paragraphs, sub-headings and (nested) lists. */
export function notesToBlocks(notes: string): ItemBlock[] {
	return placedNotesBlocks(notes).map((p) => p.block);
}

/** A plain list of strings (documents, recipients, parking lot lines) as a list block. */
export function simpleList(items: readonly { text: string; url?: string | null }[]): ListBlock {
	return { type: 'list', ordered: false, items: items.map((i): ListEntry => ({ text: i.text, url: i.url ?? null, sublist: null })) };
}
