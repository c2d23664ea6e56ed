/**
 * Real y-websocket clients in the bench process (the `ws` package as WebSocket, no
 * BroadcastChannel), each with its own Y.Doc. They type into the notes of the sample
 * meeting (src/lib/meeting/sample.ts) that `newMeeting` seeded, the text a real meeting's
 * members write. Latency stamps stay in this process: a writer records when it wrote each
 * keystroke, by the (client id, clock) the keystroke reached, and every other client in
 * this process looks that up when the update arrives, so the clocks agree without any
 * synchronisation and nothing but real notes travels.
 */
import WebSocket from 'ws';
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { sampleNotes } from '../../src/lib/meeting/sample.ts';
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

/** When each keystroke was written, by `<client id>:<clock it reached>`; read by the receiving clients. */
const writtenAt = new Map<string, number>();

export function connectClient(address: MeetingAddress, options: ClientOptions = {}): BenchClient {
	const doc = new Y.Doc();
	if (address.sample) Y.applyUpdate(doc, address.sample);
	if (options.initialState) Y.applyUpdate(doc, options.initialState);
	// A meeting without the sample (memory bench) is only read: this text stays detached.
	const text = sampleNotes(doc) ?? new Y.Text();
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
		doc.on('afterTransaction', (transaction: Y.Transaction) => {
			if (transaction.local || !recording()) return;
			const now = performance.now();
			for (const [client, clock] of transaction.afterState) {
				if (clock === (transaction.beforeState.get(client) ?? 0)) continue;
				const stamp = writtenAt.get(`${client}:${clock}`);
				if (stamp !== undefined) receipts.push(now - stamp);
			}
		});
	}

	let awarenessTick = 0;
	provider.connect();
	return {
		doc,
		provider,
		text,
		savedClock: () => saved,
		type() {
			const now = performance.now();
			// Mostly appending near the end, like a note taker; occasionally a correction earlier on.
			const length = text.length;
			const at = Math.random() < 0.9 ? length : Math.floor(Math.random() * (length + 1));
			text.insert(at, alphabet[Math.floor(Math.random() * alphabet.length)]);
			const clock = Y.getState(doc.store, doc.clientID);
			writtenAt.set(`${doc.clientID}:${clock}`, now);
			// Receivers read a stamp within milliseconds; old ones only take memory.
			writtenAt.delete(`${doc.clientID}:${clock - 1000}`);
			if (options.saved) unsaved.push([clock, now]);
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

/**
 * Writes the sample meeting into a new meeting and waits until a second client receives it,
 * so every bench client that starts from the same bytes types into notes the server holds.
 */
export async function seedSample(address: MeetingAddress): Promise<void> {
	const writer = connectClient(address);
	const probe = connectClient({ ...address, sample: null });
	try {
		await waitUntil(() => sampleNotes(probe.doc) !== null, 'the sample meeting reached a second client', 30_000);
	} finally {
		writer.destroy();
		probe.destroy();
	}
}
