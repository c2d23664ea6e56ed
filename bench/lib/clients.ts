/**
 * Real y-websocket clients in the bench process (the `ws` package as WebSocket, no
 * BroadcastChannel), each with its own Y.Doc. Latency stamps travel inside the
 * document: a writer sets `stamps[<its client id>] = performance.now()` in the same
 * transaction as its edit, and every other client in this process reads the stamp when
 * the update arrives, so the clocks agree without any synchronisation.
 */
import WebSocket from 'ws';
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { MESSAGE_SAVED, readSaved } from '../../src/lib/protocol/index.ts';
import type { MeetingAddress } from './servers.ts';
import { type Samples, waitUntil } from './stats.ts';

export interface BenchClient {
	doc: Y.Doc;
	provider: WebsocketProvider;
	text: Y.Text;
	/** Highest clock of this client's own edits the server reported stored (ours only). */
	savedClock(): number;
	/** One keystroke into the shared text, stamped with the current time. */
	type(): void;
	/** Sends a presence (awareness) change. */
	presence(): void;
	destroy(): void;
}

export interface ClientOptions {
	/** Fan-out latency of stamped edits from other clients, in ms. */
	receipts?: Samples;
	/** Edit → MESSAGE_SAVED latency of this client's own edits, in ms (ours only). */
	saved?: Samples;
	/** Whether samples are recorded right now (false during warm-up). */
	recording?: () => boolean;
	/** Start with this state (e.g. a realistic meeting), applied before connecting. */
	initialState?: Uint8Array;
}

const alphabet = 'abcdefghijklmnopqrstuvwxyzåäö ';

export function connectClient(address: MeetingAddress, options: ClientOptions = {}): BenchClient {
	const doc = new Y.Doc();
	if (options.initialState) Y.applyUpdate(doc, options.initialState);
	const text = doc.getText('bench');
	const stamps = doc.getMap<number>('stamps');
	const recording = options.recording ?? (() => true);
	const provider = new WebsocketProvider(address.serverUrl, address.room, doc, {
		params: address.params,
		WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
		disableBc: true,
		connect: false
	});

	let saved = 0;
	/** Own edits waiting for MESSAGE_SAVED: [clock reached, time written]. */
	const unsaved: [number, number][] = [];
	provider.messageHandlers[MESSAGE_SAVED] = (_encoder: unknown, decoder: decoding.Decoder) => {
		const clock = Y.decodeStateVector(readSaved(decoder)).get(doc.clientID);
		if (clock === undefined || clock <= saved) return;
		saved = clock;
		const now = performance.now();
		let done = 0;
		while (done < unsaved.length && unsaved[done][0] <= clock) {
			if (options.saved && recording()) options.saved.push(now - unsaved[done][1]);
			done++;
		}
		unsaved.splice(0, done);
	};

	if (options.receipts) {
		const receipts = options.receipts;
		stamps.observe((event) => {
			if (event.transaction.local || !recording()) return;
			const now = performance.now();
			for (const key of event.keysChanged) {
				const stamp = stamps.get(key);
				if (stamp !== undefined) receipts.push(now - stamp);
			}
		});
	}

	const key = String(doc.clientID);
	let awarenessTick = 0;
	provider.connect();
	return {
		doc,
		provider,
		text,
		savedClock: () => saved,
		type() {
			const now = performance.now();
			doc.transact(() => {
				// Mostly appending near the end, like a note taker; occasionally a correction earlier on.
				const length = text.length;
				const at = Math.random() < 0.9 ? length : Math.floor(Math.random() * (length + 1));
				text.insert(at, alphabet[Math.floor(Math.random() * alphabet.length)]);
				stamps.set(key, now);
			});
			if (options.saved) unsaved.push([Y.getState(doc.store, doc.clientID), now]);
		},
		presence() {
			provider.awareness.setLocalStateField('cursor', { index: text.length, tick: awarenessTick++ });
		},
		destroy() {
			provider.destroy();
			doc.destroy();
		}
	};
}

export async function waitSynced(clients: readonly BenchClient[], timeoutMs: number): Promise<void> {
	await waitUntil(() => clients.every((client) => client.provider.synced), `${clients.length} clients synced`, timeoutMs);
}
