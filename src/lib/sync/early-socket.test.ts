import { afterEach, describe, expect, it, vi } from 'vitest';
import { adoptingEarlySocket, openSyncSocketEarly, syncSocketUrl } from './early-socket.ts';
import type { WebSocketClass } from './socket-tap.ts';

/** A socket the test opens, feeds and closes by hand; records what is sent and how many were made. */
class FakeSocket {
	static made: FakeSocket[] = [];
	readonly CONNECTING = 0;
	readonly OPEN = 1;
	readonly CLOSING = 2;
	readonly CLOSED = 3;
	readyState = 0;
	binaryType = 'blob';
	sent: unknown[] = [];
	onopen: ((event: Event) => void) | null = null;
	onmessage: ((event: MessageEvent) => void) | null = null;
	onclose: ((event: CloseEvent) => void) | null = null;
	onerror: ((event: Event) => void) | null = null;
	constructor(readonly url: string) {
		FakeSocket.made.push(this);
	}
	open() {
		this.readyState = 1;
		this.onopen?.(new Event('open'));
	}
	receive(data: string) {
		this.onmessage?.(new MessageEvent('message', { data }));
	}
	send(data: unknown) {
		this.sent.push(data);
	}
	close() {
		this.readyState = 3;
		this.onclose?.(new Event('close') as CloseEvent);
	}
}
const Native = FakeSocket as unknown as WebSocketClass;

/** What a provider sees through the adopting class: open, then messages in order. */
function connect(url: string) {
	const seen: string[] = [];
	const Adopting = adoptingEarlySocket(Native);
	const socket = new Adopting(url);
	socket.onopen = () => seen.push('open');
	socket.onmessage = (event) => seen.push(String(event.data));
	return { socket, seen };
}

const url = syncSocketUrl('http://127.0.0.1:3000', 'abc', 'a+b/c=');

describe('the sync socket opened at the app entry', () => {
	afterEach(() => {
		FakeSocket.made = [];
		vi.useRealTimers();
	});

	it('is the URL y-websocket connects to', () => {
		expect(url).toBe('ws://127.0.0.1:3000/sync/abc?token=a%2Bb%2Fc%3D');
		expect(syncSocketUrl('https://x.se', 'abc', null)).toBe('wss://x.se/sync/abc');
	});

	it('is adopted open: what the server sent before, in order, then "open"; nothing sent before adoption with a copy on the device', async () => {
		openSyncSocketEarly(url, Promise.resolve(true), Native);
		const early = FakeSocket.made[0];
		early.open();
		early.receive('step1');
		early.receive('saved');
		await Promise.resolve();
		expect(early.sent).toEqual([]);

		const { socket, seen } = connect(url);
		expect(FakeSocket.made).toHaveLength(1);
		early.receive('awareness');
		await new Promise((resolve) => setTimeout(resolve));
		early.receive('update');
		expect(seen).toEqual(['step1', 'saved', 'awareness', 'open', 'update']);
		socket.send('mine');
		expect(early.sent).toEqual(['mine']);
	});

	it('asks for the whole meeting (sync step 1, empty state vector) when the device holds no copy, and for nothing more', async () => {
		openSyncSocketEarly(url, Promise.resolve(false), Native);
		const early = FakeSocket.made[0];
		early.open();
		await Promise.resolve();
		await Promise.resolve();
		expect(early.sent).toEqual([new Uint8Array([0, 0, 1, 0])]);
		connect(url);
		early.onopen?.(new Event('open'));
		await Promise.resolve();
		expect(early.sent).toHaveLength(1);
	});

	it('is adopted while still connecting, and opens for its new owner', () => {
		openSyncSocketEarly(url, Promise.resolve(true), Native);
		const { seen } = connect(url);
		expect(FakeSocket.made).toHaveLength(1);
		FakeSocket.made[0].open();
		FakeSocket.made[0].receive('step1');
		expect(seen).toEqual(['open', 'step1']);
	});

	it('is not adopted for another meeting or token, and not twice', () => {
		openSyncSocketEarly(url, Promise.resolve(true), Native);
		connect(syncSocketUrl('http://127.0.0.1:3000', 'abc', 'other'));
		expect(FakeSocket.made).toHaveLength(2);
		connect(url);
		connect(url);
		expect(FakeSocket.made).toHaveLength(3);
	});

	it('takes over the socket the page opened before the bundle (a first visit), for the same URL only', async () => {
		const handed = new FakeSocket(url);
		const scope = globalThis as { __motesrumSyncSocket?: unknown };
		scope.__motesrumSyncSocket = { url, socket: handed, received: [new MessageEvent('message', { data: 'step2' })] };
		handed.readyState = 1;
		openSyncSocketEarly(url, Promise.resolve(false), Native);
		expect(scope.__motesrumSyncSocket).toBeUndefined();
		const { seen } = connect(url);
		await new Promise((resolve) => setTimeout(resolve));
		expect(FakeSocket.made).toHaveLength(1);
		expect(seen).toEqual(['step2', 'open']);

		const other = new FakeSocket(url + 'x');
		scope.__motesrumSyncSocket = { url: url + 'x', socket: other, received: [] };
		openSyncSocketEarly(url, Promise.resolve(true), Native);
		expect(other.readyState).toBe(3);
		expect(FakeSocket.made).toHaveLength(3);
		connect(url);
		expect(FakeSocket.made).toHaveLength(3);
	});

	it('is forgotten when the server closes it first, and closed when nobody adopts it', () => {
		vi.useFakeTimers();
		openSyncSocketEarly(url, Promise.resolve(true), Native);
		FakeSocket.made[0].close();
		connect(url);
		expect(FakeSocket.made).toHaveLength(2);

		openSyncSocketEarly(url, Promise.resolve(true), Native);
		const unadopted = FakeSocket.made[2];
		unadopted.open();
		vi.advanceTimersByTime(15_000);
		expect(unadopted.readyState).toBe(3);
		connect(url);
		expect(FakeSocket.made).toHaveLength(4);
	});
});
