/**
 * Presence as the server paces it (issue 16, point 4), against the real server: each
 * connection gets only the states that changed besides its own, a connection that opted
 * out with `?presence=off` gets none, the stock client still sees everyone, and a
 * disconnect removes the person for the others within the pacing interval.
 */
import fs from 'node:fs';
import WebSocket from 'ws';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { describe, expect, it } from 'vitest';
import { MESSAGE_AWARENESS } from '../../src/lib/protocol/index.ts';
import { createMeeting, startServerProcess, tempDir, waitFor } from './helpers.ts';
import { useCleanup } from './multi-helpers.ts';

const { cleanup, client } = useCleanup();

interface PresencePeer {
	/** Client ids named in each awareness frame received, in order. */
	frames: number[][];
	/** Announces a presence state for this peer's own awareness client id. */
	announce(state: Record<string, unknown>): void;
	clientId: number;
}

/** A bare socket that records which client ids every awareness frame it receives names. */
async function peer(origin: string, meeting: { id: string; token: string }, query = ''): Promise<PresencePeer> {
	const socket = new WebSocket(`${origin.replace(/^http/, 'ws')}/sync/${meeting.id}?token=${meeting.token}${query}`);
	cleanup.push(() => socket.terminate());
	const frames: number[][] = [];
	socket.on('message', (data: Buffer) => {
		const decoder = decoding.createDecoder(new Uint8Array(data));
		if (decoding.readVarUint(decoder) !== MESSAGE_AWARENESS) return;
		const update = decoding.createDecoder(decoding.readVarUint8Array(decoder));
		const ids: number[] = [];
		for (let n = decoding.readVarUint(update); n > 0; n--) {
			ids.push(decoding.readVarUint(update));
			decoding.readVarUint(update);
			decoding.readVarString(update);
		}
		frames.push(ids);
	});
	await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
	const awareness = new awarenessProtocol.Awareness(new Y.Doc());
	cleanup.push(() => awareness.destroy());
	return {
		frames,
		clientId: awareness.clientID,
		announce(state) {
			awareness.setLocalState(state);
			const encoder = encoding.createEncoder();
			encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
			encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(awareness, [awareness.clientID]));
			socket.send(encoding.toUint8Array(encoder));
		}
	};
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('presence delivery', () => {
	it('sends each connection only the others\' changes, nothing to one that opted out, and removes a leaver promptly', async () => {
		const dataDir = tempDir();
		cleanup.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
		const server = await startServerProcess({ dataDir });
		cleanup.push(() => server.stop('SIGKILL'));
		const meeting = await createMeeting(server.origin);

		const anna = await peer(server.origin, meeting);
		const bo = await peer(server.origin, meeting);
		const screen = await peer(server.origin, meeting, '&presence=off');
		const browser = client(server.origin, meeting);
		await browser.synced();

		anna.announce({ itemId: 'punkt-1' });
		// The stock client (what the app runs) sees the state as before.
		await waitFor(() => browser.provider.awareness.getStates().get(anna.clientId)?.itemId === 'punkt-1', 'the stock client sees Anna');
		await waitFor(() => bo.frames.some((ids) => ids.includes(anna.clientId)), 'Bo sees Anna');
		// Anna's own state is not sent back to her (she heard from the server within the keep-alive time).
		bo.announce({ itemId: 'punkt-2' });
		await waitFor(() => anna.frames.some((ids) => ids.includes(bo.clientId)), 'Anna sees Bo');
		await sleep(1000);
		expect(anna.frames.flat()).not.toContain(anna.clientId);
		expect(bo.frames.flat()).not.toContain(bo.clientId);
		// The screen that shows no presence got no presence at all, not even the greeting's.
		expect(screen.frames).toEqual([]);
		screen.announce({ itemId: 'skärm' });
		await waitFor(() => anna.frames.some((ids) => ids.includes(screen.clientId)), 'the screen\'s own presence still reaches others');

		// Leaving: gone for the others within the pacing interval (250–500 ms), not the 30 s timeout.
		const browserId = browser.doc.clientID;
		browser.provider.awareness.setLocalStateField('itemId', 'punkt-3');
		await waitFor(() => anna.frames.some((ids) => ids.includes(browserId)), 'Anna sees the browser');
		const seenBefore = anna.frames.length;
		const left = performance.now();
		browser.destroy();
		await waitFor(() => anna.frames.slice(seenBefore).some((ids) => ids.includes(browserId)), 'the removal reaches Anna', 3000);
		const removalMs = performance.now() - left;
		console.info(`removal after disconnect reached a peer in ${removalMs.toFixed(0)} ms`);
		expect(removalMs).toBeLessThan(3000);
		expect(screen.frames).toEqual([]);
	}, 60_000);
});
