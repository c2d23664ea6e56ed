import { describe, expect, it } from 'vitest';
import { KEEPALIVE_MS, type PresenceRecipient, presenceFrames } from './presence-frames.ts';

const NOW = 100_000;

function recipient(name: string, own: number[], options: Partial<PresenceRecipient> = {}): PresenceRecipient & { name: string } {
	return { name, wantsPresence: true, awarenessClients: new Set(own), lastSentAt: NOW - 100, ...options };
}

/** The ids each frame was built from, per recipient name (encode returns the ids as bytes). */
function sent(recipients: (PresenceRecipient & { name: string })[], changed: number[], encoded: number[][] = []) {
	const frames = presenceFrames(recipients, changed, NOW, (ids) => {
		encoded.push(ids);
		return Uint8Array.from(ids);
	});
	return Object.fromEntries([...frames].map(([r, frame]) => [r.name, [...frame]]));
}

describe('presenceFrames', () => {
	it('sends each connection the changed states except its own, encoding the common frame once', () => {
		const encoded: number[][] = [];
		const recipients = [recipient('anna', [1]), recipient('bo', [2]), recipient('cecilia', [3]), recipient('david', [4])];
		expect(sent(recipients, [1, 2], encoded)).toEqual({ anna: [2], bo: [1], cecilia: [1, 2], david: [1, 2] });
		// One frame for everyone who sent nothing, one per sender.
		expect(encoded).toHaveLength(3);
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

	it('carries removals like any change (a disconnected client is in nobody\'s own set)', () => {
		expect(sent([recipient('anna', [1]), recipient('bo', [2])], [3])).toEqual({ anna: [3], bo: [3] });
	});

	it('sends nothing when nothing changed', () => {
		expect(sent([recipient('anna', [1], { lastSentAt: 0 })], [])).toEqual({});
	});
});
