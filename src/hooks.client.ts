import type { ClientInit } from '@sveltejs/kit';
import { readCopyEarly } from '$lib/sync';
import { getLocale } from '$lib/i18n/locale';
import { loadEnglish } from '$lib/i18n/english';

/**
 * Runs when the app's entry has loaded, before the router fetches the screen's code: a
 * meeting link starts reading the device's copy now, so IndexedDB is opened and read
 * while the meeting screen's chunks load and run (docs/benchmarks.md, part 9). English,
 * when it is the interface language, is fetched now too: the build keeps it out of the
 * screens' code (src/lib/i18n/english.ts), and the router must not render before it is here.
 */
export const init: ClientInit = async () => {
	const id = /^\/m\/([\w-]+)\/?$/.exec(location.pathname)?.[1];
	if (id && id !== '_shell') readCopyEarly(id);
	if (getLocale() === 'en') await loadEnglish();
};
