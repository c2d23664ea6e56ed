/**
 * The English messages of a client build live in a module of their own (english-split.ts):
 * a first load in Swedish, the default, does not carry them. `loadEnglish()` fetches them;
 * hooks.client.ts calls it before the router starts when English is the interface language,
 * and a change of language reloads the page (locale.ts), so no message is asked for English
 * before the table is here.
 */
import { getLocale } from '$lib/paraglide/runtime.js';

type Message = (inputs?: unknown) => string;

let table: Record<string, Message> | null = null;

export async function loadEnglish(): Promise<void> {
	table ??= (await import('virtual:motesrum/messages-en')).default;
}

/** A message as Paraglide's own wrapper behaves: the locale of `options`, else the interface's; Swedish unless English. */
export function localized(name: string, swedish: Message): (inputs?: unknown, options?: { locale?: string }) => string {
	return (inputs, options) => {
		if ((options?.locale ?? getLocale()) !== 'en') return swedish(inputs);
		if (!table) throw new Error(`English message ${name} asked for before loadEnglish() finished`);
		return table[name](inputs);
	};
}
