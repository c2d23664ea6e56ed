import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { describe, expect, it } from 'vitest';
import { MESSAGE_AWARENESS } from '../../src/lib/protocol/index.ts';
import { encodeAwareness } from './messages.ts';
import { KEEPALIVE_MS, type PresenceRecipient, awarenessEntry, presenceFrames } from './presence-frames.ts';

const NOW = 100_000;

function recipient(name: string, own: number[], options: Partial<PresenceRecipient> = {}): PresenceRecipient & { name: string } {
	return { name, wantsPresence: true, awarenessClients: new Set(own), lastSentAt: NOW - 100, ...options };
}

/** The client ids of one awareness frame. */
function idsOf(frame: Uint8Array): number[] {
	const decoder = decoding.createDecoder(frame);
	expect(decoding.readVarUint(decoder)).toBe(MESSAGE_AWARENESS);
	const update = decoding.createDecoder(decoding.readVarUint8Array(decoder));
	const ids: number[] = [];
	for (let n = decoding.readVarUint(update); n > 0; n--) {
		ids.push(decoding.readVarUint(update));
		decoding.readVarUint(update);
		decoding.readVarString(update);
	}
	return ids;
}

/** The ids sent per recipient name; `encoded` collects the ids whose entry was encoded. */
function sent(recipients: (PresenceRecipient & { name: string })[], changed: number[], encoded: number[] = []) {
	const frames = presenceFrames(recipients, changed, NOW, (id) => {
		encoded.push(id);
		return awarenessEntry(id, 1, { id });
	});
	return Object.fromEntries([...frames].map(([r, frame]) => [r.name, idsOf(frame)]));
}

describe('presenceFrames', () => {
	it('sends each connection the changed states except its own, encoding each state once', () => {
		const encoded: number[] = [];
		const recipients = [recipient('anna', [1]), recipient('bo', [2]), recipient('cecilia', [3]), recipient('david', [4])];
		expect(sent(recipients, [1, 2], encoded)).toEqual({ anna: [2], bo: [1], cecilia: [1, 2], david: [1, 2] });
		expect(encoded.sort()).toEqual([1, 2]);
	});

	it('sends nothing to a connection whose own state is the only change, unless it has heard nothing for the keep-alive time', () => {
		const quiet = recipient('lone', [7], { lastSentAt: NOW - KEEPALIVE_MS });
		const recent = recipient('recent', [8], { lastSentAt: NOW - KEEPALIVE_MS + 1 });
		expect(sent([recent], [8])).toEqual({});
		expect(sent([quiet], [7])).toEqual({ lone: [7] });
	});

	it('sends nothing to a connection that shows no presence, also not its keep-alive', () => {
		const off = recipient('screen', [5], { wantsPresence: false, lastSentAt: 0 });
		const listener = recipient('listener', []);
		expect(sent([off, listener], [5, 6])).toEqual({ listener: [5, 6] });
		expect(sent([recipient('screen', [], { wantsPresence: false })], [9])).toEqual({});
	});

	it("carries removals like any change (a disconnected client is in nobody's own set)", () => {
		expect(sent([recipient('anna', [1]), recipient('bo', [2])], [3])).toEqual({ anna: [3], bo: [3] });
	});

	it('sends nothing when nothing changed', () => {
		expect(sent([recipient('anna', [1], { lastSentAt: 0 })], [])).toEqual({});
	});

	it('builds the same bytes as y-protocols encodeAwarenessUpdate, removals included', () => {
		const awareness = new awarenessProtocol.Awareness(new Y.Doc());
		const other = new awarenessProtocol.Awareness(new Y.Doc());
		other.setLocalState({ name: 'Anna', itemId: 'punkt-1', cursor: { anchor: 3, head: 7 } });
		awarenessProtocol.applyAwarenessUpdate(awareness, awarenessProtocol.encodeAwarenessUpdate(other, [other.clientID]), 'test');
		awareness.setLocalState(null);
		const ids = [other.clientID, awareness.clientID];
		const frames = presenceFrames([recipient('bo', [])], ids, NOW, (id) => awarenessEntry(id, awareness.meta.get(id)!.clock, awareness.states.get(id)));
		expect([...frames.values()][0]).toEqual(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(awareness, ids)));
		awareness.destroy();
		other.destroy();
	});
});
