/**
 * The interface language. Paraglide compiles the messages; this module only exposes
 * the choice to the UI (Swedish is the base locale, English the second language).
 */
import { getLocale, setLocale, locales, type Locale } from '$lib/paraglide/runtime.js';

export { getLocale, locales, type Locale };

export const localeNames: Record<Locale, string> = { sv: 'Svenska', en: 'English' };

/** Keeps <html lang> right for screen readers; called once at start and on every change. */
export function applyDocumentLocale(): void {
	if (typeof document !== 'undefined') document.documentElement.lang = getLocale();
}

export function changeLocale(locale: Locale): void {
	// Paraglide stores the cookie and reloads, so every component re-renders in the new language.
	setLocale(locale);
}
