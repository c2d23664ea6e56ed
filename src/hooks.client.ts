import type { ClientInit } from '@sveltejs/kit';
import { readCopyEarly } from '$lib/sync';

/**
 * Runs when the app's entry has loaded, before the router fetches the screen's code: a
 * meeting link starts reading the device's copy now, so IndexedDB is opened and read
 * while the meeting screen's chunks load and run (docs/benchmarks.md, part 9).
 */
export const init: ClientInit = () => {
	const id = /^\/m\/([\w-]+)\/?$/.exec(location.pathname)?.[1];
	if (id && id !== '_shell') readCopyEarly(id);
};
