import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { diffStrings, mapPosition, mapSplice, type Splice, type TextDelta } from './text-binding';

function apply(text: string, splice: Splice): string {
	return text.slice(0, splice.index) + splice.insert + text.slice(splice.index + splice.remove);
}

/** The delta a remote edit produces, as the binding's observer receives it. */
function deltaOf(before: string, edit: (text: Y.Text) => void): { delta: TextDelta; after: string } {
	const doc = new Y.Doc();
	const text = doc.getText('t');
	text.insert(0, before);
	let delta: TextDelta = [];
	text.observe((event) => (delta = event.delta as TextDelta));
	edit(text);
	return { delta, after: text.toString() };
}

describe('diffStrings', () => {
	it('finds a typed character, a deletion and a replacement', () => {
		expect(diffStrings('Beslut', 'Beslutet', 8)).toEqual({ index: 6, remove: 0, insert: 'et' });
		expect(diffStrings('Beslutet', 'Beslut', 6)).toEqual({ index: 6, remove: 2, insert: '' });
		expect(diffStrings('abc', 'aXc', 2)).toEqual({ index: 1, remove: 1, insert: 'X' });
	});

	it('puts an ambiguous insertion where the caret is', () => {
		expect(diffStrings('aa', 'aaa', 1)).toEqual({ index: 0, remove: 0, insert: 'a' });
		expect(diffStrings('aa', 'aaa', 3)).toEqual({ index: 2, remove: 0, insert: 'a' });
	});

	it('always yields a splice that turns before into after', () => {
		const cases: [string, string][] = [['', 'x'], ['x', ''], ['abcabc', 'abc'], ['Punkt 7', 'Punkt 7 återupptas'], ['åäö', 'åö']];
		for (const [before, after] of cases) expect(apply(before, diffStrings(before, after))).toBe(after);
	});
});

describe('mapPosition', () => {
	it('moves a caret past text inserted before it and back for text deleted before it', () => {
		const inserted = deltaOf('hello world', (t) => t.insert(0, '>> '));
		expect(mapPosition(6, inserted.delta)).toBe(9);
		const deleted = deltaOf('hello world', (t) => t.delete(0, 6));
		expect(mapPosition(8, deleted.delta)).toBe(2);
	});

	it('leaves a caret before a remote change where it is', () => {
		const { delta } = deltaOf('hello world', (t) => t.insert(11, '!'));
		expect(mapPosition(5, delta)).toBe(5);
	});

	it('puts a caret inside deleted text at the deletion', () => {
		const { delta } = deltaOf('hello world', (t) => t.delete(3, 5));
		expect(mapPosition(6, delta)).toBe(3);
	});

	it('keeps a caret at an insertion point before the insert with assoc 0', () => {
		const { delta } = deltaOf('ab', (t) => t.insert(1, 'X'));
		expect(mapPosition(1, delta, 0)).toBe(1);
		expect(mapPosition(1, delta, 1)).toBe(2);
	});
});

describe('mapSplice (a composition finished after remote edits)', () => {
	it('applies the local edit where the user made it, keeping the remote edits', () => {
		const shadow = 'Mötet bryts för punkt 9.';
		const local = diffStrings(shadow, 'Mötet bryts för punkt 9 på agendan.', 34);
		const remote = deltaOf(shadow, (t) => t.insert(0, 'Kl 10.15: '));
		const mapped = mapSplice(local, [remote.delta]);
		expect(apply(remote.after, mapped)).toBe('Kl 10.15: Mötet bryts för punkt 9 på agendan.');
	});

	it('shrinks a local deletion that a remote deletion already covered in part', () => {
		const shadow = 'abcdefgh';
		const local: Splice = { index: 2, remove: 4, insert: 'X' };
		const remote = deltaOf(shadow, (t) => t.delete(4, 3));
		const mapped = mapSplice(local, [remote.delta]);
		expect(apply(remote.after, mapped)).toBe('abXh');
	});
});
