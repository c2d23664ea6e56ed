/**
 * Binds a plain <textarea> to a Y.Text: every input becomes the smallest edit (one
 * delete + one insert), and remote changes are written into the textarea with the
 * caret and selection mapped through the change, so typing carries on where it was.
 *
 * During IME composition (Japanese, Chinese, phone keyboards' word suggestions) the
 * textarea is not touched: rewriting its value would end the composition. Remote
 * changes that arrive meanwhile are queued and the local edit is mapped through them
 * when the composition ends.
 */
import type * as Y from 'yjs';

/** One replacement in a string: at `index`, `remove` characters become `insert`. */
export interface Splice {
	index: number;
	remove: number;
	insert: string;
}

/** A Yjs text delta (`event.delta`) with string inserts. */
export type TextDelta = readonly { insert?: unknown; delete?: number; retain?: number }[];

/** The single splice that turns `before` into `after`, preferring to place it at `caret` when ambiguous. */
export function diffStrings(before: string, after: string, caret = after.length): Splice {
	// The edit ends at the caret: "aa" → "aaa" typed at the start is an insert at 0, not at 2.
	const grown = Math.max(0, after.length - before.length);
	const maxPrefix = Math.min(before.length, after.length, Math.max(0, caret - grown));
	let prefix = 0;
	while (prefix < maxPrefix && before[prefix] === after[prefix]) prefix++;
	let suffix = 0;
	const maxSuffix = Math.min(before.length, after.length) - prefix;
	while (suffix < maxSuffix && before[before.length - 1 - suffix] === after[after.length - 1 - suffix]) suffix++;
	return { index: prefix, remove: before.length - prefix - suffix, insert: after.slice(prefix, after.length - suffix) };
}

function insertLength(insert: unknown): number {
	return typeof insert === 'string' ? insert.length : 1;
}

/** Where a position ends up after a remote delta. An insert exactly at the position pushes it forward only if `assoc` is 1. */
export function mapPosition(position: number, delta: TextDelta, assoc: 0 | 1 = 1): number {
	let old = 0;
	let shift = 0;
	for (const op of delta) {
		if (old > position) break;
		if (op.retain !== undefined) {
			old += op.retain;
		} else if (op.insert !== undefined) {
			if (old < position || assoc === 1) shift += insertLength(op.insert);
		} else if (op.delete !== undefined) {
			const end = old + op.delete;
			shift -= Math.max(0, Math.min(end, position) - old);
			old = end;
		}
	}
	return position + shift;
}

/** A local splice made against an older text, carried through remote deltas applied since. */
export function mapSplice(splice: Splice, deltas: readonly TextDelta[]): Splice {
	let start = splice.index;
	let end = splice.index + splice.remove;
	for (const delta of deltas) {
		start = mapPosition(start, delta, 1);
		end = Math.max(start, mapPosition(end, delta, 0));
	}
	return { index: start, remove: end - start, insert: splice.insert };
}

export interface TextBindingOptions {
	/** Called after each local edit reached the Y.Text (e.g. to show "typing" to others). */
	onLocalEdit?: () => void;
	/** When true, local input is not written (read-only UI); the textarea still follows remote changes. */
	readOnly?: () => boolean;
	/** The transaction origin of local edits (an undo history tracks exactly these); a fresh one when not given. */
	origin?: object;
}

/** Binds `textarea` to `text`; returns the unbind function. */
export function bindTextarea(textarea: HTMLTextAreaElement, text: Y.Text, options: TextBindingOptions = {}): () => void {
	const origin = options.origin ?? Symbol('textarea');
	let composing = false;
	/** What the textarea showed at the last point where it and the Y.Text agreed. */
	let shadow = text.toString();
	let queued: TextDelta[] = [];
	textarea.value = shadow;

	const render = (value: string, selection: [number, number] | null) => {
		shadow = value;
		if (textarea.value !== value) textarea.value = value;
		if (selection && document.activeElement === textarea) textarea.setSelectionRange(selection[0], selection[1]);
	};

	const commitLocal = () => {
		const value = textarea.value;
		if (options.readOnly?.()) {
			render(text.toString(), null);
			queued = [];
			return;
		}
		const splice = mapSplice(diffStrings(shadow, value, textarea.selectionEnd ?? value.length), queued);
		const hadRemote = queued.length > 0;
		queued = [];
		if (splice.remove > 0 || splice.insert.length > 0) {
			const doc = text.doc;
			const apply = () => {
				if (splice.remove > 0) text.delete(splice.index, splice.remove);
				if (splice.insert.length > 0) text.insert(splice.index, splice.insert);
			};
			if (doc) doc.transact(apply, origin);
			else apply();
			options.onLocalEdit?.();
		}
		const current = text.toString();
		if (hadRemote || current !== value) {
			const caret = splice.index + splice.insert.length;
			render(current, [caret, caret]);
		} else {
			shadow = current;
		}
	};

	const onInput = (event: Event) => {
		if (composing || (event as InputEvent).isComposing) return;
		commitLocal();
	};
	const onCompositionStart = () => {
		composing = true;
	};
	const onCompositionEnd = () => {
		composing = false;
		commitLocal();
	};
	// Anything else — another device, or undo/redo of this editor's edits — is rendered with the caret mapped through it.
	const observer = (event: Y.YTextEvent, transaction: Y.Transaction) => {
		if (transaction.origin === origin) return;
		const delta = event.delta as TextDelta;
		if (composing) {
			queued.push(delta);
			return;
		}
		const start = mapPosition(textarea.selectionStart ?? 0, delta, 0);
		const end = mapPosition(textarea.selectionEnd ?? 0, delta, 0);
		render(text.toString(), [start, Math.max(start, end)]);
	};

	textarea.addEventListener('input', onInput);
	textarea.addEventListener('compositionstart', onCompositionStart);
	textarea.addEventListener('compositionend', onCompositionEnd);
	text.observe(observer);
	return () => {
		textarea.removeEventListener('input', onInput);
		textarea.removeEventListener('compositionstart', onCompositionStart);
		textarea.removeEventListener('compositionend', onCompositionEnd);
		text.unobserve(observer);
	};
}
