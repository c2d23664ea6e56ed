import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { AwarenessFormatError, rewriteAwareness } from './awareness-identity.ts';

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
