import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { applyPresence, AwarenessFormatError, rewritePresence, type Identity } from './awareness-identity.ts';
import { awarenessEntryJson, awarenessUpdateOf } from './presence-frames.ts';

/** The rewritten entries as one awareness update, or null when none is left. */
function rewriteAwareness(update: Uint8Array, who: Identity, mayClaim: (clientId: number) => boolean, maxStateBytes: number): Uint8Array | null {
	const kept = rewritePresence(update, who, mayClaim, maxStateBytes);
	return kept && awarenessUpdateOf(kept.map((entry) => awarenessEntryJson(entry.clientId, entry.clock, entry.json)));
}

const identity = { name: 'Anna Andersson', role: 'member', participantId: 'p1' };

function updateFrom(states: Record<number, Record<string, unknown> | null>): Uint8Array {
	const doc = new Y.Doc();
	const awareness = new awarenessProtocol.Awareness(doc);
	awareness.setLocalState(null);
	const ids = Object.keys(states).map(Number);
	for (const id of ids) awareness.states.set(id, states[id] as Record<string, unknown>);
	for (const id of ids) awareness.meta.set(id, { clock: 3, lastUpdated: 0 });
	const update = awarenessProtocol.encodeAwarenessUpdate(awareness, ids, new Map(ids.map((id) => [id, states[id] as Record<string, unknown>])));
	awareness.destroy();
	return update;
}

function read(update: Uint8Array): Map<number, unknown> {
	const awareness = new awarenessProtocol.Awareness(new Y.Doc());
	awareness.setLocalState(null);
	awarenessProtocol.applyAwarenessUpdate(awareness, update, null);
	return awareness.getStates();
}

describe('rewriteAwareness', () => {
	it('replaces the user field with the identity from the invitation and keeps the rest', () => {
		const forged = updateFrom({ 7: { user: { name: 'Ordföranden', role: 'chair' }, cursor: { itemId: 'i1' } } });
		const states = read(rewriteAwareness(forged, identity, () => true, 4096)!);
		expect(states.get(7)).toEqual({ user: identity, cursor: { itemId: 'i1' } });
	});

	it('adds the user field to a state that had none, and to a non-object state', () => {
		const states = read(rewriteAwareness(updateFrom({ 7: {}, 8: [1, 2] as unknown as Record<string, unknown> }), identity, () => true, 4096)!);
		expect(states.get(7)).toEqual({ user: identity });
		expect(states.get(8)).toEqual({ user: identity });
	});

	it('drops entries for client ids the connection may not claim', () => {
		const update = updateFrom({ 7: { a: 1 }, 8: { b: 2 } });
		const states = read(rewriteAwareness(update, identity, (id) => id === 8, 4096)!);
		expect([...states.keys()]).toEqual([8]);
		expect(rewriteAwareness(update, identity, () => false, 4096)).toBeNull();
	});

	it('passes a removal (null state) of a claimable id through', () => {
		const rewritten = rewriteAwareness(updateFrom({ 7: null }), identity, () => true, 4096)!;
		const decoded = new TextDecoder().decode(rewritten);
		expect(decoded.endsWith('null')).toBe(true);
	});

	it('throws on a malformed update', () => {
		expect(() => rewriteAwareness(new Uint8Array([1, 7, 1, 3, 0x7b, 0x7b, 0x7b]), identity, () => true, 4096)).toThrow(AwarenessFormatError);
		expect(() => rewriteAwareness(new Uint8Array([5]), identity, () => true, 4096)).toThrow(AwarenessFormatError);
		const trailing = new Uint8Array([...updateFrom({ 7: {} }), 0]);
		expect(() => rewriteAwareness(trailing, identity, () => true, 4096)).toThrow(AwarenessFormatError);
	});

	it('drops a state larger than the limit and keeps the others', () => {
		const big = { cursor: 'x'.repeat(5000) };
		const states = read(rewriteAwareness(updateFrom({ 7: big, 8: { cursor: 1 } }), identity, () => true, 4096)!);
		expect([...states.keys()]).toEqual([8]);
	});
});

describe('applyPresence', () => {
	/** An awareness of the server's kind (no state of its own) that records its events. */
	function recorded() {
		const awareness = new awarenessProtocol.Awareness(new Y.Doc());
		awareness.setLocalState(null);
		const events: unknown[] = [];
		awareness.on('change', (change: unknown, origin: unknown) => events.push(['change', change, origin]));
		awareness.on('update', (change: unknown, origin: unknown) => events.push(['update', change, origin]));
		return { awareness, events };
	}

	/** The clocks of the other clients (each awareness has a random id of its own). */
	function clocksOf(awareness: awarenessProtocol.Awareness) {
		return [...awareness.meta].filter(([id]) => id !== awareness.clientID).map(([id, meta]) => [id, meta.clock]);
	}

	function entry(clientId: number, clock: number, state: Record<string, unknown> | null) {
		return { clientId, clock, state, json: JSON.stringify(state) };
	}

	it('does what y-protocols applyAwarenessUpdate does: clocks, states, change and update events', () => {
		const steps = [
			[entry(7, 1, { cursor: 'a' }), entry(8, 1, { cursor: 'b' })],
			[entry(7, 2, { cursor: 'a' })], // same state, newer clock: 'update' only
			[entry(7, 2, { cursor: 'x' })], // same clock: ignored
			[entry(8, 3, { cursor: 'c' }), entry(7, 1, { cursor: 'old' })], // older clock: ignored
			[entry(8, 3, null)], // same clock, null: removes
			[entry(9, 1, null)], // unknown client removed: meta only
			[entry(9, 2, { cursor: 'd' })]
		];
		const ours = recorded();
		const library = recorded();
		for (const step of steps) {
			applyPresence(ours.awareness, step, 'origin');
			awarenessProtocol.applyAwarenessUpdate(library.awareness, awarenessUpdateOf(step.map((e) => awarenessEntryJson(e.clientId, e.clock, e.json))), 'origin');
			expect(ours.awareness.getStates()).toEqual(library.awareness.getStates());
			expect(clocksOf(ours.awareness)).toEqual(clocksOf(library.awareness));
		}
		expect(ours.events).toEqual(library.events);
		expect(ours.events.length).toBeGreaterThan(4);
	});
});
