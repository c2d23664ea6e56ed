/**
 * Attack corpus, the property of issue 12: for any sequence of honest and hostile
 * updates (fast-check), every honest edit is acknowledged and present everywhere (the
 * observer and every honest device hold exactly the honest, acknowledged updates), and
 * the protected places (everything but item notes and the non-runners' own check-in)
 * are exactly what the runners' updates alone make of them.
 *
 * Honest: the organiser and chair write item 2's notes, a header field and the live
 * flow (breaks); adjuster, member and guest write item 1's notes and check themselves
 * in. Runners never write where the others do, so the runners' updates alone integrate
 * into a document whose protected part must equal everyone's. Hostile: forged client
 * ids (also overlapping the owner's last struct), origins and deletions in protected
 * places, chains pending on the chair's next clock (left open while the chair goes on),
 * off-schema values, and the app's own runner-only operations.
 */
import { fc, it } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import * as Y from 'yjs';
import { endBreak, getItemNotes, readLiveState, removeParticipant, setCheckedIn, startBreak } from '../../src/lib/meeting/index.ts';
import {
	type AttackServer,
	type Peer,
	type Role,
	type World,
	decisionMap,
	deepState,
	encodeUpdate,
	firstElementId,
	freshClientId,
	lastElementId,
	lastStructOf,
	notesOf,
	openWorld,
	participantMap,
	startAttackServer,
	stateOf,
	stateVector,
	typeId
} from './attack-harness.ts';
import { waitFor } from './helpers.ts';

let server: AttackServer;

beforeAll(async () => {
	server = await startAttackServer();
});

afterAll(async () => {
	await server?.remove();
});

type Writer = 'adjuster' | 'member' | 'guest';
const HOSTILE = [
	'forge the chair’s next clock in notes',
	'overlap the organiser’s last struct',
	'origin after the last event',
	'right origin before the first event',
	'delete the last event',
	'delete decision wording',
	'pending after the chair’s next clock',
	'pending deletion of the chair’s next clock',
	'own check-in off-schema',
	'embed in notes',
	'remove the second adjuster'
] as const;
type Hostile = (typeof HOSTILE)[number];

type Action =
	| { kind: 'runner-notes'; who: 'organiser' | 'chair'; text: string; at: number }
	| { kind: 'runner-header'; value: string }
	| { kind: 'runner-break' }
	| { kind: 'writer-notes'; who: Writer; text: string; at: number }
	| { kind: 'writer-checkin'; who: Writer; checkedIn: boolean }
	| { kind: 'hostile'; who: Writer; attack: Hostile };

const writer = fc.constantFrom<Writer>('adjuster', 'member', 'guest');
const words = fc.string({ minLength: 1, maxLength: 12, unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzåäö ') });
const action: fc.Arbitrary<Action> = fc.oneof(
	fc.record({ kind: fc.constant('runner-notes' as const), who: fc.constantFrom<'organiser' | 'chair'>('organiser', 'chair'), text: words, at: fc.nat(40) }),
	fc.record({ kind: fc.constant('runner-header' as const), value: words }),
	fc.record({ kind: fc.constant('runner-break' as const) }),
	fc.record({ kind: fc.constant('writer-notes' as const), who: writer, text: words, at: fc.nat(40) }),
	fc.record({ kind: fc.constant('writer-checkin' as const), who: writer, checkedIn: fc.boolean() }),
	fc.record({ kind: fc.constant('hostile' as const), who: writer, attack: fc.constantFrom(...HOSTILE) }),
	fc.record({ kind: fc.constant('hostile' as const), who: writer, attack: fc.constantFrom(...HOSTILE) })
);

/** The document without what non-runners may write (item 1's notes, their own check-in) and the organiser's sentinel (`header.place`). */
function protectedPart(doc: Y.Doc, world: World): unknown {
	const state = JSON.parse(deepState(doc)) as {
		header?: { map: Record<string, unknown> };
		items?: { map: Record<string, { type: { map: Record<string, unknown> } }> };
		participants?: { map: Record<string, { type: { map: Record<string, unknown> } }> };
	};
	delete state.header?.map.place;
	delete state.items?.map[world.items.item1]?.type.map.notes;
	for (const who of ['adjuster', 'member', 'guest'] as const) {
		const map = state.participants?.map[world.participants[who]]?.type.map;
		if (map) for (const key of ['checkedIn', 'checkedInAt', 'attendance']) delete map[key];
	}
	return state;
}

function closingEvent(): Record<string, unknown> {
	return { id: 'PropertyClose001', type: 'meeting_closed', at: '2026-11-30T12:00:00.000Z', by: null, itemId: null, fromItemId: null, forItemId: null, via: null, parkingEntryId: null, note: 'fientligt' };
}

async function hostile(world: World, chair: Peer, who: Writer, attack: Hostile, held: Peer[]): Promise<void> {
	const model = world.model;
	const chairId = chair.doc.clientID;
	const notes1 = typeId(notesOf(model, world.items.item1));
	const own = world.participants[who];
	const viaApp = async (fn: (doc: Y.Doc) => void) => {
		const peer = await world.connect(who as Role, { label: `${who}: ${attack}` });
		peer.edit(fn);
		await peer.answer().catch(() => 'no answer');
		await peer.close();
	};
	const handMade = async (update: Uint8Array, keepOpen = false) => {
		const peer = await world.connect(who as Role, { label: `${who}: ${attack}`, mirror: false });
		peer.send(update);
		if (keepOpen) {
			held.push(peer);
			return;
		}
		await peer.answer().catch(() => 'no answer');
		await peer.close();
	};
	const client = freshClientId();
	switch (attack) {
		case 'forge the chair’s next clock in notes':
			return handMade(encodeUpdate({ structs: [{ client: chairId, clock: stateOf(model, chairId), parent: { item: notes1 }, content: { kind: 'string', text: 'FÖRFALSKAT' } }] }));
		case 'overlap the organiser’s last struct': {
			const victim = world.organiser.doc.clientID;
			const last = lastStructOf(model, victim);
			return handMade(encodeUpdate({ structs: [{ client: victim, clock: last.id.clock, parent: { item: notes1 }, content: { kind: 'any', values: ['held', closingEvent()] } }] }));
		}
		case 'origin after the last event':
			return handMade(encodeUpdate({ structs: [{ client, clock: 0, origin: lastElementId(model.getArray('events')), content: { kind: 'any', values: [closingEvent()] } }] }));
		case 'right origin before the first event':
			return handMade(encodeUpdate({ structs: [{ client, clock: 0, rightOrigin: firstElementId(model.getArray('events')), content: { kind: 'any', values: [closingEvent()] } }] }));
		case 'delete the last event':
			return handMade(encodeUpdate({ deletes: [{ ...lastElementId(model.getArray('events')), length: 1 }] }));
		case 'delete decision wording':
			return handMade(encodeUpdate({ deletes: [{ ...firstElementId(decisionMap(model, world.items.item1, world.decision).get('text') as Y.Text), length: 4 }] }));
		case 'pending after the chair’s next clock':
			return handMade(encodeUpdate({ structs: [{ client, clock: 0, origin: { client: chairId, clock: stateOf(model, chairId) }, content: { kind: 'any', values: [closingEvent()] } }] }), true);
		case 'pending deletion of the chair’s next clock':
			return handMade(encodeUpdate({ deletes: [{ client: chairId, clock: stateOf(model, chairId), length: 4 }] }), true);
		case 'own check-in off-schema':
			return viaApp((doc) => participantMap(doc, own).set('checkedIn', 'ja'));
		case 'embed in notes':
			return viaApp((doc) => getItemNotes(doc, world.items.item1).insertEmbed(0, { href: 'javascript:alert(1)' }));
		case 'remove the second adjuster':
			return viaApp((doc) => removeParticipant(doc, world.participants.adjuster2));
	}
}

describe('any sequence of honest and hostile updates', () => {
	it.prop([fc.array(action, { minLength: 3, maxLength: 9 })], { numRuns: 30, endOnFailure: true })(
		'every honest edit is acknowledged and everywhere; protected places are what the runners made them',
		async (actions) => {
			const world = await openWorld(server.origin());
			const held: Peer[] = [];
			try {
				const chair = await world.connect('chair');
				const writers: Record<Writer, Peer> = {
					adjuster: await world.connect('adjuster'),
					member: await world.connect('member'),
					guest: await world.connect('guest')
				};
				const runnerDoc = new Y.Doc();
				Y.applyUpdate(runnerDoc, Y.encodeStateAsUpdate(world.model));
				const byRunner = async (peer: Peer, fn: (doc: Y.Doc) => void) => Y.applyUpdate(runnerDoc, await world.honest(peer, fn));
				// The chair writes first, so its client id is its own before anyone can forge it: an id nobody
				// has written under yet belongs to whoever uses it first (squatting is outside this property).
				await byRunner(chair, (doc) => getItemNotes(doc, world.items.item2).insert(0, 'Ordföranden: '));

				for (const step of actions) {
					switch (step.kind) {
						case 'runner-notes': {
							const peer = step.who === 'chair' ? chair : world.organiser;
							await byRunner(peer, (doc) => {
								const text = getItemNotes(doc, world.items.item2);
								text.insert(Math.min(step.at, text.length), step.text);
							});
							break;
						}
						case 'runner-header':
							await byRunner(chair, (doc) => doc.getMap('header').set('nextMeetingNote', step.value));
							break;
						case 'runner-break':
							await byRunner(chair, (doc) => (readLiveState(doc).status === 'paused' ? endBreak(doc) : startBreak(doc, { note: 'Paus' })));
							break;
						case 'writer-notes':
							await world.honest(writers[step.who], (doc) => {
								const text = getItemNotes(doc, world.items.item1);
								text.insert(Math.min(step.at, text.length), step.text);
							});
							break;
						case 'writer-checkin': {
							const id = world.participants[step.who];
							const current = participantMap(writers[step.who].doc, id).get('checkedIn');
							await world.honest(writers[step.who], (doc) => setCheckedIn(doc, id, current === step.checkedIn ? !step.checkedIn : step.checkedIn));
							break;
						}
						case 'hostile':
							await hostile(world, chair, step.who, step.attack, held);
							break;
					}
				}
				// The chair writes once more in the live flow, so anything pending on its next clock would now complete.
				await byRunner(chair, (doc) => (readLiveState(doc).status === 'paused' ? endBreak(doc) : startBreak(doc, { note: 'Sista paus' })));
				for (const peer of held) await peer.close();
				await world.sentinel('the run');

				expect(deepState(world.observer.doc), 'the observer holds exactly the honest, acknowledged writes').toBe(deepState(world.model));
				expect(stateVector(world.observer.doc)).toEqual(stateVector(world.model));
				for (const peer of [world.organiser, chair, ...Object.values(writers)]) {
					await waitFor(() => JSON.stringify(stateVector(peer.doc)) === JSON.stringify(stateVector(world.model)), `${peer.label} has every honest write`).catch(() => {});
					expect(deepState(peer.doc), `${peer.label}'s document`).toBe(deepState(world.model));
				}
				expect(runnerDoc.store.pendingStructs, 'runners’ updates never depend on anyone else’s').toBeNull();
				expect(protectedPart(world.observer.doc, world), 'protected places are exactly what the runners wrote').toEqual(protectedPart(runnerDoc, world));
			} finally {
				for (const peer of held) await peer.close();
				await world.close();
			}
		},
		180_000
	);
});
