import type { ClientInit } from '@sveltejs/kit';
import { openSyncSocketEarly, readCopyEarly, syncSocketUrl, tokenFromHash } from '$lib/sync';
import { getLocale } from '$lib/i18n/locale';
import { loadEnglish } from '$lib/i18n/english';

/**
 * Runs when the app's entry has loaded, before the router fetches the screen's code: a
 * meeting link starts reading the device's copy now, so IndexedDB is opened and read
 * while the meeting screen's chunks load and run (docs/benchmarks.md, part 9), and opens
 * the sync socket, which the session adopts once it connects (docs/benchmarks.md, part 12).
 * English, when it is the interface language, is fetched now too: the build keeps it out of
 * the screens' code (src/lib/i18n/english.ts), and the router must not render before it is here.
 */
export const init: ClientInit = async () => {
	const id = /^\/m\/([\w-]+)\/?$/.exec(location.pathname)?.[1];
	if (id && id !== '_shell') {
		const hasCopy = readCopyEarly(id);
		// A link's token; a signed-in participant's socket waits for the route, as before.
		const token = tokenFromHash(location.hash);
		if (token && navigator.onLine) openSyncSocketEarly(syncSocketUrl(location.origin, id, token), hasCopy);
	}
	if (getLocale() === 'en') await loadEnglish();
};
