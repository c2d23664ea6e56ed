/**
 * Real clients from Node: a y-websocket provider that records the server's MESSAGE_SAVED
 * acknowledgements, and a meeting created over the HTTP API.
 */
import WebSocket from 'ws';
import type * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { sampleMeeting } from '../src/lib/meeting/sample.ts';
import { MESSAGE_SAVED, readSaved } from '../src/lib/protocol/index.ts';
import { waitFor } from './wait.ts';

export interface Client {
	doc: Y.Doc;
	provider: WebsocketProvider;
	/** The highest saved clock per client id the server acknowledged (MESSAGE_SAVED). */
	saved: Map<number, number>;
	/** Close events the provider saw. */
	closes: number[];
	synced(): Promise<void>;
	/** True when every clock of this doc's own client is acknowledged as saved. */
	allSaved(): boolean;
	destroy(): void;
}

export function connectClient(origin: string, meetingId: string, token: string): Client {
	const doc = new Y.Doc();
	const provider = new WebsocketProvider(origin.replace(/^http/, 'ws') + '/sync', meetingId, doc, {
		params: { token },
		WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
		disableBc: true,
		connect: false
	});
	const saved = new Map<number, number>();
	const closes: number[] = [];
	provider.messageHandlers[MESSAGE_SAVED] = (_encoder: unknown, decoder: decoding.Decoder) => {
		for (const [client, clock] of Y.decodeStateVector(readSaved(decoder))) {
			if (clock > (saved.get(client) ?? 0)) saved.set(client, clock);
		}
	};
	provider.on('connection-close', (event) => {
		if (event) closes.push(event.code);
	});
	provider.connect();
	return {
		doc,
		provider,
		saved,
		closes,
		synced: () => waitFor(() => provider.synced, 'provider synced'),
		allSaved: () => (saved.get(doc.clientID) ?? 0) >= (Y.decodeStateVector(Y.encodeStateVector(doc)).get(doc.clientID) ?? 0),
		destroy() {
			provider.destroy();
			doc.destroy();
		}
	};
}

/**
 * Creates a meeting through the API. With `sample` (the default) its organiser then writes the
 * sample meeting (src/lib/meeting/sample.ts): one item whose notes every test client types into,
 * since the server refuses writes outside the meeting's schema.
 */
export async function createMeeting(
	origin: string,
	title = 'Ledningsgrupp',
	options: { sample?: boolean } = {}
): Promise<{ id: string; token: string; url: string }> {
	const res = await fetch(`${origin}/api/meetings`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ title })
	});
	if (res.status !== 201) throw new Error(`createMeeting: ${res.status} ${await res.text()}`);
	const meeting = (await res.json()) as { id: string; token: string; url: string };
	if (options.sample ?? true) {
		const organiser = connectClient(origin, meeting.id, meeting.token);
		try {
			await organiser.synced();
			const sample = sampleMeeting(title);
			Y.applyUpdate(organiser.doc, sample);
			// The sample was written by a client of its own: wait for the server to store that client's clocks.
			const reached = Y.decodeStateVector(Y.encodeStateVectorFromUpdate(sample));
			await waitFor(() => [...reached].every(([client, clock]) => (organiser.saved.get(client) ?? 0) >= clock), 'sample meeting saved');
		} finally {
			organiser.destroy();
		}
	}
	return meeting;
}
