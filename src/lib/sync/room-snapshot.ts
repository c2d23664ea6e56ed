/**
 * The stored view of the meeting room (issue 16, docs/offline.md "The stored view"): what the
 * room showed on this device, kept per meeting in the device's store ('snapshots',
 * local-store.ts) so that the next open paints it at once, before the app's code has run (an
 * inline script of src/app.html reads it from IndexedDB while the page is parsed, cleans it and
 * inserts it, inert and aria-busy, in place of the app's root), until the live room renders and
 * replaces it (`dropSnapshotView`).
 *
 * It is the same data as the device's copy and goes wherever the copy goes (removal, discarding,
 * the confidential part dropped), and also on a session error, on signing out and when another
 * device's change deletes something (erasure, a confidential marking): docs/security.md.
 *
 * The capture runs in the browser only (it reads the DOM); the keeper's timing is testable in Node.
 */
import type * as Y from 'yjs';
import type { LocalStore, RoomSnapshot } from './local-store.ts';
import { LOCAL_LOAD } from './session.ts';
import { LOCAL_LOAD as CONFIDENTIAL_LOCAL_LOAD } from './confidential-part.ts';

/** Transactions that read the device's own copy: their deletions are no news. */
const COPY_LOADS = new Set<unknown>([LOCAL_LOAD, CONFIDENTIAL_LOCAL_LOAD]);

/** The element of src/app.html that kit renders into; the snapshot stands in for it. */
export const APP_ROOT_SELECTOR = '[data-app-root]';
/** The box the inline script paints the snapshot in. */
export const SNAPSHOT_BOX_SELECTOR = '[data-room-snapshot]';
/** Marks an element whose text must not be shown from a snapshot (live figures: connection, timers, who is here): kept for the layout, not painted. */
export const SNAPSHOT_BLANK_ATTRIBUTE = 'data-snapshot-blank';
/** Larger views are not stored (a capture that big would cost more than it saves). */
export const SNAPSHOT_MAX_CHARS = 1_500_000;

/** Attributes that name other elements by id (the snapshot has none), or group and focus controls. */
const DROPPED_ATTRIBUTES = new Set([
	'id',
	'for',
	'form',
	'name',
	'list',
	'headers',
	'autofocus',
	'popovertarget',
	'aria-labelledby',
	'aria-describedby',
	'aria-controls',
	'aria-owns',
	'aria-activedescendant',
	'aria-details',
	'aria-errormessage',
	'aria-flowto'
]);
const DROPPED_ELEMENTS = 'script, style, template, iframe, object, embed, frame, base, link, meta, dialog, [hidden], [data-room-snapshot]';
const URL_ATTRIBUTES = ['href', 'src', 'action', 'formaction', 'xlink:href', 'srcset', 'poster', 'data'];
const UNSAFE_URL = /^\s*(javascript|vbscript|data):/i;

/**
 * The HTML of the app's root as the user sees it: form values written into the markup (the notes
 * are a textarea), then without scripts, hidden panels, ids and what refers to ids, names, event
 * handlers and script URLs, live regions emptied; live figures kept for the layout but not painted.
 */
export function captureView(root: Element): string {
	const clone = root.cloneNode(true) as Element;
	const live = [...root.querySelectorAll('input, textarea, select')];
	const copies = [...clone.querySelectorAll('input, textarea, select')];
	live.forEach((element, index) => {
		const copy = copies[index];
		if (!copy || copy.tagName !== element.tagName) return;
		if (element instanceof HTMLTextAreaElement) copy.textContent = element.value;
		else if (element instanceof HTMLSelectElement) {
			const options = [...copy.querySelectorAll('option')];
			[...element.options].forEach((option, at) => options[at]?.toggleAttribute('selected', option.selected));
		} else if (element instanceof HTMLInputElement) {
			if (element.type === 'checkbox' || element.type === 'radio') copy.toggleAttribute('checked', element.checked);
			else if (element.type === 'password' || element.type === 'hidden' || element.type === 'file') copy.removeAttribute('value');
			else copy.setAttribute('value', element.value);
		}
	});
	for (const element of clone.querySelectorAll(DROPPED_ELEMENTS)) element.remove();
	// An announcement was made once; a live region of the snapshot says nothing.
	for (const element of clone.querySelectorAll('[aria-live]')) element.textContent = '';
	for (const element of clone.querySelectorAll(`[${SNAPSHOT_BLANK_ATTRIBUTE}]`)) {
		(element as HTMLElement).style.visibility = 'hidden';
	}
	cleanAttributes(clone);
	return clone.innerHTML;
}

/** Drops the attributes a snapshot must not carry, on `root`'s descendants. */
export function cleanAttributes(root: Element | DocumentFragment): void {
	for (const element of root.querySelectorAll('*')) {
		for (const { name, value } of [...element.attributes]) {
			const lower = name.toLowerCase();
			if (lower.startsWith('on') || DROPPED_ATTRIBUTES.has(lower) || (URL_ATTRIBUTES.includes(lower) && UNSAFE_URL.test(value))) {
				element.removeAttribute(name);
			}
		}
	}
}

declare global {
	// Read by src/app.html's inline script before it paints: true once the live room (or another screen) has taken over.
	var __motesrumSnapshotDone: boolean | undefined;
}

/**
 * The live room (or a screen that is not the room) has rendered: the snapshot the inline script
 * of src/app.html painted goes, the app's root shows, and a read still under way in that script
 * paints nothing. Safe to call always; does nothing outside a browser.
 */
export function dropSnapshotView(): void {
	if (typeof document === 'undefined') return;
	globalThis.__motesrumSnapshotDone = true;
	const boxes = document.querySelectorAll(SNAPSHOT_BOX_SELECTOR);
	if (boxes.length === 0) return;
	for (const box of boxes) box.remove();
	const root = document.querySelector<HTMLElement>(APP_ROOT_SELECTOR);
	if (root?.style.display === 'none') root.style.display = 'contents';
}

export interface SnapshotKeeperOptions {
	meetingId: string;
	store: () => Promise<LocalStore | null>;
	/** The meeting's documents (the meeting's and its confidential part's): their changes schedule a capture. */
	docs: Y.Doc[];
	/** The view's HTML now, or null when there is nothing to capture. */
	capture: () => string | null;
	/** Whether the view may be stored now (no session error, the confidential part not dropped); when not, the stored one is deleted. */
	allowed: () => boolean;
	/** Whether the view now is what the next open will show first (its landing tab); when not, nothing is captured and the stored one stays. */
	shows?: () => boolean;
	/** kit's version name of this build. */
	build: string;
	lang: () => string;
	title: () => string;
	/** Quiet time after the last change before a capture (ms). */
	delayMs?: number;
	/** The capture waits at most this long for an idle moment (ms). */
	idleTimeoutMs?: number;
	now?: () => number;
}

/**
 * Keeps the meeting's stored view current: a capture ~1 s after the first render and after the
 * last change (in an idle moment), and when the page is hidden with changes not captured. A
 * change from elsewhere that deletes something (an erasure, a confidential marking, text
 * removed) deletes the stored view at once, so a closed tab never leaves a view showing what the
 * device's copy no longer holds.
 */
export class SnapshotKeeper {
	readonly #options: SnapshotKeeperOptions;
	#timer: ReturnType<typeof setTimeout> | null = null;
	#idle: number | null = null;
	#dirty = false;
	#started = false;
	#stopped = false;
	/** A view may be in the store (an earlier page's, at first). */
	#stored = true;
	#writes: Promise<unknown> = Promise.resolve();
	readonly #cleanup: (() => void)[] = [];

	constructor(options: SnapshotKeeperOptions) {
		this.#options = options;
		for (const doc of options.docs) {
			const onTransaction = (transaction: Y.Transaction) => {
				if (!transaction.local && !COPY_LOADS.has(transaction.origin) && transaction.deleteSet.clients.size > 0) this.#forget();
				this.changed();
			};
			doc.on('afterTransaction', onTransaction);
			this.#cleanup.push(() => doc.off('afterTransaction', onTransaction));
		}
		if (typeof addEventListener === 'function' && typeof document !== 'undefined') {
			const onHide = () => {
				if (document.visibilityState === 'hidden' && this.#dirty) this.storeNow();
			};
			addEventListener('pagehide', onHide);
			document.addEventListener('visibilitychange', onHide);
			this.#cleanup.push(() => {
				removeEventListener('pagehide', onHide);
				document.removeEventListener('visibilitychange', onHide);
			});
		}
	}

	/** The live room has rendered: from now on its view is kept. */
	start(): void {
		if (this.#started || this.#stopped) return;
		this.#started = true;
		this.changed();
	}

	/** Something the user sees may have changed: a capture follows once it is quiet. */
	changed(): void {
		if (this.#stopped) return;
		this.#dirty = true;
		if (!this.#started) return;
		if (this.#timer !== null) clearTimeout(this.#timer);
		this.#timer = setTimeout(() => {
			this.#timer = null;
			const requestIdle = globalThis.requestIdleCallback;
			if (typeof requestIdle === 'function') {
				this.#idle = requestIdle(() => ((this.#idle = null), this.storeNow()), { timeout: this.#options.idleTimeoutMs ?? 1000 });
			} else this.storeNow();
		}, this.#options.delayMs ?? 1000);
	}

	/** Captures and stores the view now (or deletes the stored one when it may not be kept). */
	storeNow(): Promise<void> {
		if (this.#stopped || !this.#started) return this.#writes.then(() => {});
		this.#dirty = false;
		if (!this.#options.allowed()) {
			this.#forget();
			return this.#writes.then(() => {});
		}
		if (this.#options.shows && !this.#options.shows()) return this.#writes.then(() => {});
		const html = this.#options.capture();
		if (html === null || html.length > SNAPSHOT_MAX_CHARS) return this.#writes.then(() => {});
		const snapshot: RoomSnapshot = {
			meetingId: this.#options.meetingId,
			html,
			build: this.#options.build,
			lang: this.#options.lang(),
			title: this.#options.title(),
			savedAt: (this.#options.now ?? Date.now)()
		};
		this.#stored = true;
		return this.#queue(async (store) => {
			// Stopped meanwhile (the room closed, its copy about to be discarded): nothing more is written.
			if (this.#stopped) return;
			if (!(await store.putSnapshot(snapshot))) this.#stored = false;
		});
	}

	/** Stops keeping the view; the stored one stays (the next open paints it). */
	stop(): void {
		if (this.#stopped) return;
		this.#stopped = true;
		if (this.#timer !== null) clearTimeout(this.#timer);
		if (this.#idle !== null) globalThis.cancelIdleCallback?.(this.#idle);
		for (const undo of this.#cleanup) undo();
	}

	/** Stops and deletes the stored view (a session error: access lost, the meeting deleted or replaced, an edit refused). */
	clear(): Promise<void> {
		this.stop();
		this.#stored = true;
		this.#forget();
		return this.settled();
	}

	/** Resolves once every store and delete issued so far has finished. */
	settled(): Promise<void> {
		return this.#writes.then(() => {});
	}

	#forget(): void {
		if (!this.#stored) return;
		this.#stored = false;
		void this.#queue((store) => store.deleteSnapshot(this.#options.meetingId));
	}

	#queue(write: (store: LocalStore) => Promise<unknown>): Promise<void> {
		this.#writes = this.#writes.then(async () => {
			const store = await this.#options.store();
			if (store) await write(store).catch(() => {});
		});
		return this.#writes.then(() => {});
	}
}
