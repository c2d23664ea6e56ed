// The English table the client build generates (vite.config.ts, english-split.ts).
declare module 'virtual:motesrum/messages-en' {
	/** Every message's English function by message name. */
	const table: Record<string, (inputs?: unknown) => string>;
	export default table;
}
