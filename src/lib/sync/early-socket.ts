/**
 * The meeting's sync socket, opened at the app's entry (hooks.client.ts) while the meeting
 * screen's code still loads: on a phone link its handshake costs round trips that would
 * otherwise start only once the route runs (docs/benchmarks.md, part 12).
 *
 * Before a session adopts it, the only thing sent on it is a request for the whole meeting
 * (sync step 1 with an empty state vector), and only when the device holds no copy: the
 * request carries no content, and with nothing on the device the whole meeting is what the
 * session will ask for anyway. What the server sends is kept, and the session's provider
 * takes the socket when it connects to the same URL (the same meeting and token): it reads
 * every kept message in order (the meeting is there at once), then sees the socket open and
 * asks for what it still lacks, as on a socket of its own. When and whether to connect stays
 * the session's decision, so a copy on the device is still sent only after the server check
 * (session.ts). A socket nobody adopts is closed after ADOPT_WITHIN_MS.
 *
 * On a first visit (no service worker controls the page, so no copy is on the device), an
 * inline script in src/app.html opens the socket even earlier, while the HTML is parsed, and
 * this module takes it over: the handshake then waits for none of the app's scripts.
 */
import * as encoding from 'lib0/encoding';
import { MESSAGE_SYNC, SYNC_STEP1 } from '../protocol/index.ts';
import type { WebSocketClass } from './socket-tap.ts';

const ADOPT_WITHIN_MS = 15_000;

interface EarlySocket {
	url: string;
	socket: WebSocket;
	received: MessageEvent[];
	timer: ReturnType<typeof setTimeout>;
}

let early: EarlySocket | null = null;

/** The URL y-websocket connects to for this meeting (its `serverUrl/room?params`, params as the session sets them). */
export function syncSocketUrl(origin: string, meetingId: string, token: string | null): string {
	const query = token === null ? '' : `?token=${encodeURIComponent(token)}`;
	return `${origin.replace(/^http/, 'ws')}/sync/${meetingId}${query}`;
}

/** Sync step 1 with an empty state vector, "send me the whole meeting" (as src/app.html's early script sends it). */
function askForEverything(): Uint8Array<ArrayBuffer> {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MESSAGE_SYNC);
	encoding.writeVarUint(encoder, SYNC_STEP1);
	encoding.writeVarUint8Array(encoder, new Uint8Array([0]));
	return new Uint8Array(encoding.toUint8Array(encoder));
}

/** What src/app.html's early script leaves for this module: the socket it opened before the app's code had loaded. */
interface HandedSocket {
	url: string;
	socket: WebSocket;
	received: MessageEvent[];
}

/**
 * `hasCopy`: whether the device holds a copy of the meeting; without one the socket asks for
 * the whole meeting as soon as it opens. A socket src/app.html's early script opened for the same URL
 * (a first visit) is taken over instead of opening another.
 */
export function openSyncSocketEarly(url: string, hasCopy: Promise<boolean>, Native: WebSocketClass = globalThis.WebSocket): void {
	const scope = globalThis as { __motesrumSyncSocket?: HandedSocket };
	const handed = scope.__motesrumSyncSocket;
	delete scope.__motesrumSyncSocket;
	if (early || typeof Native !== 'function') return;
	if (handed && handed.url === url && handed.socket.readyState <= handed.socket.OPEN) {
		keep(handed);
		return;
	}
	handed?.socket.close();
	performance.mark('motesrum:socket-early');
	const socket = new Native(url);
	socket.binaryType = 'arraybuffer';
	const received: MessageEvent[] = [];
	socket.onmessage = (event) => received.push(event);
	// Replaced when a session adopts the socket: from then on the provider does the asking.
	socket.onopen = () => {
		// For the bench's waterfall (bench/browser/): when the handshake ended.
		performance.mark('motesrum:socket-open');
		void hasCopy.then((copy) => {
			if (!copy && early?.socket === socket && socket.readyState === socket.OPEN) socket.send(askForEverything());
		});
	};
	keep({ url, socket, received });
}

/** Holds the socket for a session to adopt, for ADOPT_WITHIN_MS at most. */
function keep({ url, socket, received }: HandedSocket): void {
	const timer = setTimeout(() => {
		if (early?.socket !== socket) return;
		early = null;
		socket.close();
	}, ADOPT_WITHIN_MS);
	// Refused or lost before anyone took it: the provider opens its own, as it would have.
	socket.onclose = () => {
		if (early?.socket !== socket) return;
		clearTimeout(timer);
		early = null;
	};
	early = { url, socket, received, timer };
}

function takeEarlySocket(url: string): EarlySocket | null {
	const taken = early;
	if (!taken || taken.url !== url || taken.socket.readyState > taken.socket.OPEN) return null;
	early = null;
	clearTimeout(taken.timer);
	return taken;
}

/**
 * `Native` as y-websocket uses it (handler properties, `send`, `close`, `readyState`), where
 * the first connection to the early socket's URL adopts that socket instead of opening one.
 */
export function adoptingEarlySocket(Native: WebSocketClass): WebSocketClass {
	class AdoptingWebSocket {
		readonly CONNECTING = 0;
		readonly OPEN = 1;
		readonly CLOSING = 2;
		readonly CLOSED = 3;
		onopen: ((event: Event) => void) | null = null;
		onmessage: ((event: MessageEvent) => void) | null = null;
		onclose: ((event: CloseEvent) => void) | null = null;
		onerror: ((event: Event) => void) | null = null;
		readonly #socket: WebSocket;

		constructor(url: string | URL, protocols?: string | string[]) {
			const adopted = takeEarlySocket(String(url));
			const socket = adopted?.socket ?? new Native(url, protocols);
			this.#socket = socket;
			socket.onopen = (event) => this.onopen?.(event);
			socket.onclose = (event) => this.onclose?.(event);
			socket.onerror = (event) => this.onerror?.(event);
			const forward = (event: MessageEvent) => this.onmessage?.(event);
			if (!adopted || socket.readyState === socket.CONNECTING) {
				socket.onmessage = forward;
				return;
			}
			// Open already: after the caller has set its handlers (this task), what was kept, then
			// "open", so the provider's own sync step 1 names what the kept messages brought and
			// the server does not send the meeting twice; messages arriving meanwhile queue behind.
			const queue = adopted.received;
			socket.onmessage = (event) => queue.push(event);
			setTimeout(() => {
				if (socket.readyState !== socket.OPEN) return;
				for (const event of queue.splice(0)) this.onmessage?.(event);
				socket.onmessage = forward;
				this.onopen?.(new Event('open'));
			});
		}

		get readyState(): number {
			return this.#socket.readyState;
		}

		get binaryType(): BinaryType {
			return this.#socket.binaryType;
		}

		set binaryType(type: BinaryType) {
			this.#socket.binaryType = type;
		}

		send(data: Parameters<WebSocket['send']>[0]): void {
			this.#socket.send(data);
		}

		close(code?: number, reason?: string): void {
			this.#socket.close(code, reason);
		}
	}
	return AdoptingWebSocket as unknown as WebSocketClass;
}
