/**
 * Registers the service worker (src/service-worker.ts) and tracks whether a new version
 * waits. A new version never takes over by itself: the open meeting keeps running on the
 * version it started with until the user chooses to reload.
 */
import { dev } from '$app/environment';
import type { Workbox } from 'workbox-window';

/** Long meetings stay open for hours; the browser alone checks for updates only on navigation. */
const UPDATE_CHECK_INTERVAL_MS = 30 * 60 * 1000;

export class ServiceWorkerUpdate {
	#waiting = $state(false);
	#dismissed = $state(false);
	#reloading = $state(false);
	#workbox: Workbox | undefined;
	#registration: ServiceWorkerRegistration | undefined;

	/** A new version is installed and waits for the user's go-ahead. */
	get available(): boolean {
		return this.#waiting && !this.#dismissed;
	}

	get reloading(): boolean {
		return this.#reloading;
	}

	/** Call once, in the browser. Not in `vite dev`: a caching worker there would hide edits. */
	async register(): Promise<void> {
		if (dev || this.#workbox || !('serviceWorker' in navigator)) return;
		// Imported here, not at the top: workbox-window touches browser globals on load.
		const { Workbox } = await import('workbox-window');
		const workbox = new Workbox('/service-worker.js');
		this.#workbox = workbox;
		workbox.addEventListener('waiting', () => {
			this.#waiting = true;
			this.#dismissed = false;
		});
		this.#registration = await workbox.register();
		setInterval(() => this.#checkForUpdate(), UPDATE_CHECK_INTERVAL_MS);
		document.addEventListener('visibilitychange', () => {
			if (document.visibilityState === 'visible') this.#checkForUpdate();
		});
	}

	/** Activates the waiting version, then reloads once it controls this page. */
	reload(): void {
		if (this.#reloading) return;
		this.#reloading = true;
		const workbox = this.#workbox;
		// Another tab may already have activated it: then this page only needs to reload.
		if (!workbox || !this.#registration?.waiting) {
			location.reload();
			return;
		}
		workbox.addEventListener('controlling', () => location.reload());
		workbox.messageSkipWaiting();
	}

	/** Hides the prompt until the next new version (or the next page load). */
	dismiss(): void {
		this.#dismissed = true;
	}

	#checkForUpdate(): void {
		// Offline, the check fails; the next one will do.
		this.#workbox?.update().catch(() => {});
	}
}

export const serviceWorkerUpdate = new ServiceWorkerUpdate();
