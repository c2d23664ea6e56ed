import { describe, expect, it } from 'vitest';
import { notesKey, type KeyInput, type TextState } from './notes-keys';

/** The text with "|" marking a collapsed caret, or "[" and "]" a selection. */
function state(marked: string): TextState {
	if (marked.includes('|')) {
		const at = marked.indexOf('|');
		return { value: marked.replace('|', ''), start: at, end: at };
	}
	const start = marked.indexOf('[');
	const end = marked.indexOf(']') - 1;
	return { value: marked.replace('[', '').replace(']', ''), start, end };
}

function marked(result: TextState | null): string | null {
	if (!result) return null;
	const { value, start, end } = result;
	return start === end ? `${value.slice(0, start)}|${value.slice(start)}` : `${value.slice(0, start)}[${value.slice(start, end)}]${value.slice(end)}`;
}

const key = (k: string, extra: Partial<KeyInput> = {}): KeyInput => ({ key: k, shift: false, mod: false, ...extra });

describe('notes keyboard shortcuts', () => {
	it('Enter continues a list with the same bullet or the next number', () => {
		expect(marked(notesKey(state('- Ärende A|'), key('Enter')))).toBe('- Ärende A\n- |');
		expect(marked(notesKey(state('  2. Andra|\nmer'), key('Enter')))).toBe('  2. Andra\n  3. |\nmer');
	});

	it('Enter on an empty entry ends the list, or steps out one level', () => {
		expect(marked(notesKey(state('- A\n- |'), key('Enter')))).toBe('- A\n|');
		expect(marked(notesKey(state('- A\n  - |'), key('Enter')))).toBe('- A\n- |');
	});

	it('Enter outside a list is the browser\'s', () => {
		expect(notesKey(state('Ett stycke|'), key('Enter'))).toBeNull();
	});

	it('Tab indents and Shift+Tab outdents list lines only', () => {
		expect(marked(notesKey(state('- A\n- B|'), key('Tab')))).toBe('- A\n  - B|');
		expect(marked(notesKey(state('- A\n  - B|'), key('Tab', { shift: true })))).toBe('- A\n- B|');
		expect(notesKey(state('Text|'), key('Tab'))).toBeNull();
		expect(marked(notesKey(state('[- A\n- B]'), key('Tab')))).toBe('[  - A\n  - B]');
	});

	it('Ctrl+Shift+8 and Ctrl+Shift+7 make lines a bulleted or numbered list, and back', () => {
		expect(marked(notesKey(state('[Ett\nTvå]'), key('8', { mod: true, shift: true })))).toBe('[- Ett\n- Två]');
		expect(marked(notesKey(state('[Ett\nTvå]'), key('7', { mod: true, shift: true })))).toBe('[1. Ett\n2. Två]');
		expect(marked(notesKey(state('- Ett|'), key('8', { mod: true, shift: true })))).toBe('Ett|');
	});
});
