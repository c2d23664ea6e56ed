/**
 * Presence that cannot be forged. Every awareness update from a connection is
 * rewritten before it is applied:
 * - only entries for client ids this connection may claim are kept (its own, or ids
 *   nobody else in the room holds);
 * - each non-null state gets `user` = { name, role, participantId } from the
 *   connection's invitation, whatever the client sent there;
 * - a state larger than `maxStateBytes` is dropped (presence is a cursor and a name,
 *   not a payload to fan out to everyone).
 * A malformed update throws (the connection is closed as a bad message).
 */
import * as decoding from 'lib0/decoding';
import * as f from 'lib0/function';
import type { Awareness } from 'y-protocols/awareness';

export interface Identity {
	name: string;
	role: string;
	participantId: string | null;
}

/** More than a few documents per connection is not a real client (one tab has one doc). */
export const MAX_AWARENESS_CLIENTS_PER_CONNECTION = 4;

export class AwarenessFormatError extends Error {}

/** One entry of a rewritten awareness update: the state as an object (null: removed) and as the JSON sent on. */
export interface PresenceEntry {
	clientId: number;
	clock: number;
	state: Record<string, unknown> | null;
	json: string;
}

/**
 * The entries of `update` this connection may announce, each state with the invitation's
 * identity as `user`, or null when no entry is left. The room applies them as they are
 * (`applyPresence`): the JSON is parsed once and written once per message.
 */
export function rewritePresence(
	update: Uint8Array,
	identity: Identity,
	mayClaim: (clientId: number) => boolean,
	maxStateBytes: number
): PresenceEntry[] | null {
	const decoder = decoding.createDecoder(update);
	const kept: PresenceEntry[] = [];
	try {
		const count = decoding.readVarUint(decoder);
		for (let i = 0; i < count; i++) {
			const clientId = decoding.readVarUint(decoder);
			const clock = decoding.readVarUint(decoder);
			const raw = decoding.readVarString(decoder);
			if (raw.length > maxStateBytes || !mayClaim(clientId)) continue;
			const parsed: unknown = JSON.parse(raw);
			if (parsed === null) {
				kept.push({ clientId, clock, state: null, json: 'null' });
				continue;
			}
			const state = typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
			state.user = { name: identity.name, role: identity.role, participantId: identity.participantId };
			kept.push({ clientId, clock, state, json: JSON.stringify(state) });
		}
	} catch (error) {
		throw new AwarenessFormatError(`malformed awareness update: ${(error as Error).message}`);
	}
	if (decoding.hasContent(decoder)) throw new AwarenessFormatError('trailing bytes after awareness update');
	return kept.length === 0 ? null : kept;
}

/**
 * y-protocols' `applyAwarenessUpdate` for entries `rewritePresence` already decoded and
 * parsed: the same clock rules and the same 'change' and 'update' events, without decoding
 * and parsing the message a second time. For an awareness whose own state is null (the
 * server's), so a null always removes. Returns the entries that were applied.
 * awareness-identity.test.ts holds it to the library's behaviour.
 */
export function applyPresence(awareness: Awareness, entries: readonly PresenceEntry[], origin: unknown): PresenceEntry[] {
	const timestamp = Date.now();
	const added: number[] = [];
	const updated: number[] = [];
	const filteredUpdated: number[] = [];
	const removed: number[] = [];
	const applied: PresenceEntry[] = [];
	for (const entry of entries) {
		const { clientId, clock, state } = entry;
		const meta = awareness.meta.get(clientId);
		const previous = awareness.states.get(clientId);
		const current = meta === undefined ? 0 : meta.clock;
		if (!(current < clock || (current === clock && state === null && awareness.states.has(clientId)))) continue;
		if (state === null) awareness.states.delete(clientId);
		else awareness.states.set(clientId, state);
		awareness.meta.set(clientId, { clock, lastUpdated: timestamp });
		applied.push(entry);
		if (meta === undefined && state !== null) added.push(clientId);
		else if (meta !== undefined && state === null) removed.push(clientId);
		else if (state !== null) {
			if (!f.equalityDeep(state, previous)) filteredUpdated.push(clientId);
			updated.push(clientId);
		}
	}
	if (added.length > 0 || filteredUpdated.length > 0 || removed.length > 0) {
		awareness.emit('change', [{ added, updated: filteredUpdated, removed }, origin]);
	}
	if (added.length > 0 || updated.length > 0 || removed.length > 0) {
		awareness.emit('update', [{ added, updated, removed }, origin]);
	}
	return applied;
}
