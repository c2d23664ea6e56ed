/**
 * Keyboard shortcuts of the notes editor, over the notes' line markup (see
 * src/lib/minutes/notes.ts): list lines continue on Enter, indent with Tab, outdent with
 * Shift+Tab, and Ctrl+Shift+8 / Ctrl+Shift+7 turn lines into a bulleted / numbered list.
 *
 * Pure text → text: the editor writes the result into the textarea and lets the Y.Text
 * binding turn it into the smallest edit, so co-editing stays character by character.
 * Tab is only taken on list lines; elsewhere it moves the focus as always.
 */

export interface TextState {
	readonly value: string;
	readonly start: number;
	readonly end: number;
}

export interface KeyInput {
	readonly key: string;
	readonly shift: boolean;
	/** Ctrl, or Cmd on a Mac. */
	readonly mod: boolean;
}

const INDENT = '  ';
const LIST_LINE = /^(\s*)([-–•*]|o|\d{1,3}[.)])(\s+)(.*)$/;

function lineStartAt(value: string, index: number): number {
	return value.lastIndexOf('\n', index - 1) + 1;
}

function lineEndAt(value: string, index: number): number {
	const end = value.indexOf('\n', index);
	return end === -1 ? value.length : end;
}

/** The starts of the lines the selection touches (a selection ending at a line's very start leaves that line out). */
function selectedLineStarts(state: TextState): number[] {
	const starts = [lineStartAt(state.value, state.start)];
	let newline = state.value.indexOf('\n', state.start);
	while (newline !== -1 && newline + 1 < state.end) {
		starts.push(newline + 1);
		newline = state.value.indexOf('\n', newline + 1);
	}
	return starts;
}

/** Applies `edit(line)` to each selected line, keeping the selection on the same text. */
function mapLines(state: TextState, edit: (line: string, index: number) => string): TextState {
	const starts = selectedLineStarts(state);
	let value = state.value;
	let { start, end } = state;
	for (let index = starts.length - 1; index >= 0; index--) {
		const lineStart = starts[index];
		const lineEnd = lineEndAt(value, lineStart);
		const line = value.slice(lineStart, lineEnd);
		const edited = edit(line, index);
		if (edited === line) continue;
		value = value.slice(0, lineStart) + edited + value.slice(lineEnd);
		const delta = edited.length - line.length;
		// Text before the line's start is unchanged; a position inside the line moves with the edit, but never before the line.
		if (start > lineStart) start = Math.max(lineStart, start + delta);
		if (end > lineStart) end = Math.max(lineStart, end + delta);
	}
	return { value, start, end };
}

function isListLine(line: string): boolean {
	return LIST_LINE.test(line);
}

/** The next entry's marker: the same bullet, or the number after this one. */
function nextMarker(marker: string): string {
	const numbered = /^(\d{1,3})([.)])$/.exec(marker);
	return numbered ? `${Number(numbered[1]) + 1}${numbered[2]}` : marker;
}

function toggleList(state: TextState, ordered: boolean): TextState {
	const lines = selectedLineStarts(state).map((s) => state.value.slice(s, lineEndAt(state.value, s)));
	const isWanted = (line: string) => {
		const match = LIST_LINE.exec(line);
		return match !== null && /^\d/.test(match[2]) === ordered;
	};
	const allWanted = lines.every(isWanted);
	return mapLines(state, (line, index) => {
		const match = LIST_LINE.exec(line);
		const [indent, text] = match ? [match[1], match[4]] : [/^\s*/.exec(line)![0], line.trimStart()];
		if (allWanted) return indent + text;
		return `${indent}${ordered ? `${index + 1}.` : '-'} ${text}`;
	});
}

/** The new text and selection for a key, or null when the key is not the editor's (the browser handles it). */
export function notesKey(state: TextState, input: KeyInput): TextState | null {
	const { value, start, end } = state;
	if (input.mod && input.shift && (input.key === '8' || input.key === '*')) return toggleList(state, false);
	if (input.mod && input.shift && (input.key === '7' || input.key === '/')) return toggleList(state, true);
	if (input.mod) return null;

	const lineStart = lineStartAt(value, start);
	const line = value.slice(lineStart, lineEndAt(value, start));

	if (input.key === 'Tab') {
		const lines = selectedLineStarts(state).map((s) => value.slice(s, lineEndAt(value, s)));
		if (!lines.every(isListLine)) return null;
		return mapLines(state, (l) => (input.shift ? l.replace(/^( {1,2}|\t)/, '') : INDENT + l));
	}

	if (input.key === 'Enter' && !input.shift && start === end) {
		const match = LIST_LINE.exec(line);
		if (!match) return null;
		const [, indent, marker, , text] = match;
		if (text.trim() === '') {
			// Enter on an empty entry ends the list (or steps out one level).
			const replaced = indent.length > 0 ? indent.slice(Math.min(INDENT.length, indent.length)) + `${marker} ` : '';
			const lineEnd = lineEndAt(value, start);
			const next = value.slice(0, lineStart) + replaced + value.slice(lineEnd);
			const caret = lineStart + replaced.length;
			return { value: next, start: caret, end: caret };
		}
		const insert = `\n${indent}${nextMarker(marker)} `;
		const next = value.slice(0, start) + insert + value.slice(end);
		const caret = start + insert.length;
		return { value: next, start: caret, end: caret };
	}
	return null;
}
