/**
 * Undo and redo for one person's edits of a shared text (an item's notes).
 *
 * Ctrl+Z must take back what this person just wrote — a word or a phrase typed in one go —
 * and never what someone else wrote meanwhile. A `Y.UndoManager` does both when it tracks
 * only this editor's transaction origin: edits closer together than the capture timeout
 * become one step, remote updates (the provider's origin) and other editors on the same
 * device are left alone, and undoing one's own insert keeps the text others added around it.
 * A line break ends a step, so a long stretch of typing without pauses is undone a line at a time.
 */
import * as Y from 'yjs';

/** Edits this close together (ms) are undone as one step: a word or a phrase typed in one go. */
export const UNDO_CAPTURE_MS = 500;

export interface TextUndo {
	/** The transaction origin the editor must write its local edits with; only those are undone. */
	readonly origin: object;
	/** Takes back this person's last step; false when there is none. */
	undo(): boolean;
	/** Puts back the last undone step; false when there is none. */
	redo(): boolean;
	canUndo(): boolean;
	canRedo(): boolean;
	/** Ends the current step: the next edit starts a new one (e.g. after the caret moved). */
	stopCapturing(): void;
	destroy(): void;
}

export interface TextUndoOptions {
	/** Defaults to `UNDO_CAPTURE_MS`. */
	captureTimeout?: number;
}

function insertsLineBreak(delta: readonly { insert?: unknown }[]): boolean {
	return delta.some((op) => typeof op.insert === 'string' && op.insert.includes('\n'));
}

/** Undo history of this device's edits of `text`, written with the returned `origin`. */
export function createTextUndo(text: Y.Text, options: TextUndoOptions = {}): TextUndo {
	const origin = Object.freeze({ editor: 'text-undo' });
	const manager = new Y.UndoManager(text, {
		captureTimeout: options.captureTimeout ?? UNDO_CAPTURE_MS,
		trackedOrigins: new Set([origin])
	});
	// Observers run before the manager files the transaction; the step is closed right after it.
	let lineBreak = false;
	const observer = (event: Y.YTextEvent, transaction: Y.Transaction) => {
		if (transaction.origin === origin && insertsLineBreak(event.delta)) lineBreak = true;
	};
	const closeAfterLineBreak = () => {
		if (!lineBreak) return;
		lineBreak = false;
		manager.stopCapturing();
	};
	text.observe(observer);
	manager.on('stack-item-added', closeAfterLineBreak);
	manager.on('stack-item-updated', closeAfterLineBreak);
	return {
		origin,
		undo: () => manager.undo() !== null,
		redo: () => manager.redo() !== null,
		canUndo: () => manager.canUndo(),
		canRedo: () => manager.canRedo(),
		stopCapturing: () => manager.stopCapturing(),
		destroy: () => {
			text.unobserve(observer);
			manager.destroy();
		}
	};
}
