/**
 * Light or dark: the device's preference (prefers-color-scheme, the default) unless the person
 * chose on this device. The choice sets `data-theme` on <html>, which app.css reads.
 */
export const THEMES = ['auto', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

const KEY = 'motesrum:theme';

export function storedTheme(): Theme {
	const value = globalThis.localStorage?.getItem(KEY);
	return value === 'light' || value === 'dark' ? value : 'auto';
}

export function applyTheme(theme: Theme): void {
	if (typeof document === 'undefined') return;
	if (theme === 'auto') {
		delete document.documentElement.dataset.theme;
		globalThis.localStorage?.removeItem(KEY);
	} else {
		document.documentElement.dataset.theme = theme;
		globalThis.localStorage?.setItem(KEY, theme);
	}
}
