/**
 * The meeting's sync socket, opened at the app's entry (hooks.client.ts) while the meeting
 * screen's code still loads: on a phone link its handshake costs round trips that would
 * otherwise start only once the route runs (docs/benchmarks.md, part 12).
 *
 * Nothing is sent on it before a session adopts it. What the server sends is kept, and the
 * session's provider takes the socket when it connects to the same URL (the same meeting
 * and token): it sees the socket open, then every kept message in order, as if it had
 * opened it itself. When and whether to connect stays the session's decision, so a copy on
 * the device is still sent only after the server check (session.ts). A socket nobody
 * adopts is closed after ADOPT_WITHIN_MS.
 */
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

export function openSyncSocketEarly(url: string, Native: WebSocketClass = globalThis.WebSocket): void {
	if (early || typeof Native !== 'function') return;
	const socket = new Native(url);
	socket.binaryType = 'arraybuffer';
	const received: MessageEvent[] = [];
	socket.onmessage = (event) => received.push(event);
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
			// Open already: after the caller has set its handlers (this task), "open" and then
			// what was kept; messages arriving meanwhile queue behind them.
			const queue = adopted.received;
			socket.onmessage = (event) => queue.push(event);
			setTimeout(() => {
				if (socket.readyState !== socket.OPEN) return;
				this.onopen?.(new Event('open'));
				for (const event of queue.splice(0)) this.onmessage?.(event);
				socket.onmessage = forward;
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
