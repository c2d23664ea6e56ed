/**
 * The chair's keyboard shortcuts, documented under "Kortkommandon". Alt+Shift+letter: screen
 * readers use single letters (browse mode) and Insert/CapsLock combinations, and Ctrl+Alt is
 * AltGr on Swedish keyboards (@, £, $, {), so neither is used. Matched on the physical key
 * (`code`), since Alt/Option changes the character a key gives on some systems.
 */
import { m } from '$lib/paraglide/messages.js';

export type ShortcutAction = 'open' | 'previous' | 'next' | 'break';

interface Shortcut {
	/** As shown to people. */
	keys: string;
	/** For aria-keyshortcuts. */
	aria: string;
	code: string;
	label: () => string;
}

export const SHORTCUTS: Record<ShortcutAction, Shortcut> = {
	open: { keys: 'Alt + Skift + O', aria: 'Alt+Shift+O', code: 'KeyO', label: () => m.room_open_meeting() },
	previous: { keys: 'Alt + Skift + P', aria: 'Alt+Shift+P', code: 'KeyP', label: () => m.room_previous() },
	next: { keys: 'Alt + Skift + N', aria: 'Alt+Shift+N', code: 'KeyN', label: () => m.room_next() },
	break: { keys: 'Alt + Skift + B', aria: 'Alt+Shift+B', code: 'KeyB', label: () => m.day_shortcut_break() }
};

export function shortcutOf(event: KeyboardEvent): ShortcutAction | null {
	if (!event.altKey || !event.shiftKey || event.ctrlKey || event.metaKey || event.repeat) return null;
	for (const [action, shortcut] of Object.entries(SHORTCUTS) as [ShortcutAction, Shortcut][]) {
		if (event.code === shortcut.code) return action;
	}
	return null;
}
