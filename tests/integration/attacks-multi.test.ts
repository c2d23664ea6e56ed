/**
 * Attack corpus on two instances sharing PostgreSQL and Redis: the meeting is prepared
 * and its client ids first used on instance A, the attacker connects to instance B.
 * Ownership of client ids, effective parents, pending chains, roles and the schema must
 * hold across instances: each refused attack is never seen by an observer on A nor on
 * B, and PostgreSQL (read by the test's own storage) never holds it; the real owner's
 * later write, also after moving to B, is acknowledged and reaches both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { getItemNotes, removeParticipant, startItem } from '../../src/lib/meeting/index.ts';
import { PostgresStorage } from '../../server/storage/postgres.ts';
import {
	ATTACK_ENV,
	type Peer,
	type Role,
	type World,
	connectPeer,
	deepState,
	encodeUpdate,
	expectRefused,
	freshClientId,
	lastElementId,
	lastStructOf,
	notesOf,
	openWorld,
	participantMap,
	stateOf,
	stateVector,
	typeId
} from './attack-harness.ts';
import { type ServerProcess, waitFor } from './helpers.ts';
import { type Cleanup, startInstances } from './multi-helpers.ts';
import { TEST_REDIS_URL, type TestSchema, freshSchema, servicesAvailable } from './services.ts';

const available = await servicesAvailable('attacks-multi.test.ts', 'postgres', 'redis');

const cleanup: Cleanup = [];
let schema: TestSchema;
let a: ServerProcess;
let b: ServerProcess;
const registered: { what: string; world: World }[] = [];

beforeAll(async () => {
	if (!available) return;
	schema = await freshSchema();
	[a, b] = await startInstances(2, { databaseUrl: schema.url, redisUrl: TEST_REDIS_URL, env: ATTACK_ENV }, cleanup);
});

afterAll(async () => {
	for (const { world } of registered) await world.close();
	while (cleanup.length) await cleanup.pop()!();
	await schema?.drop();
});

/** An observer of `world` on instance B. */
async function observerOnB(world: World): Promise<Peer> {
	const peer = await connectPeer(b.origin, world.meetingId, world.tokens.observer, 'observer on B');
	world.peers.push(peer);
	return peer;
}

async function onB(world: World, role: Role, options: { mirror?: boolean; doc?: Y.Doc; label?: string } = {}): Promise<Peer> {
	const peer = await connectPeer(b.origin, world.meetingId, world.tokens[role], options.label ?? `${role} on B`, options);
	world.peers.push(peer);
	return peer;
}

/**
 * The organiser's sentinel reaches the observer on A; an update acknowledged on B reaches A through
 * Redis with no order relative to A's own broadcasts, so each observer is given a moment to reach
 * the model's state vector before it must hold exactly the honest writes.
 */
async function expectOnlyHonestOnBoth(world: World, observerB: Peer, what: string): Promise<void> {
	await world.sentinel(what);
	for (const [observer, where] of [
		[world.observer, 'A'],
		[observerB, 'B']
	] as const) {
		await waitFor(() => JSON.stringify(stateVector(observer.doc)) === JSON.stringify(stateVector(world.model)), `${what}: observer on ${where} caught up`, 5000).catch(() => {});
		expect.soft(deepState(observer.doc), `${what}: the observer on ${where} holds exactly the honest writes`).toBe(deepState(world.model));
		expect.soft(stateVector(observer.doc), `${what}: the observer on ${where}'s state vector`).toEqual(stateVector(world.model));
		expect.soft(observer.doc.store.pendingStructs, `${what}: nothing pending at the observer on ${where}`).toBeNull();
	}
}

function keep(what: string, world: World): void {
	registered.push({ what, world });
}

describe.skipIf(!available)('two instances on PostgreSQL + Redis, the attacker on B', () => {
	it.each(['member', 'adjuster', 'guest', 'chair'] as Role[])('%s on B writing under the organiser’s client id (first used on A) is refused; the organiser’s own write then reaches both', async (role) => {
		const world = await openWorld(a.origin);
		keep(`${role}: forged id across instances`, world);
		const observerB = await observerOnB(world);
		const victim = world.organiser.doc.clientID;
		const attacker = await onB(world, role, { mirror: false });
		attacker.send(
			encodeUpdate({
				structs: [{ client: victim, clock: stateOf(world.model, victim), parent: { item: typeId(notesOf(world.model, world.items.item1)) }, content: { kind: 'string', text: 'FRÅN B ' } }]
			})
		);
		await expectRefused(attacker, 'forbidden', `${role} on B forging`);
		await world.honest(world.organiser, (doc) => getItemNotes(doc, world.items.item1).insert(0, 'Organisatören på A. '));
		await expectOnlyHonestOnBoth(world, observerB, `${role} on B forging`);
	});

	it.each(['member', 'guest'] as Role[])('%s on B overlapping the last events entry (written on A) cannot append to the live flow', async (role) => {
		const world = await openWorld(a.origin);
		keep(`${role}: overlap across instances`, world);
		const observerB = await observerOnB(world);
		const victim = world.organiser.doc.clientID;
		const last = lastStructOf(world.model, victim);
		expect(last.id).toEqual(lastElementId(world.model.getArray('events')));
		const attacker = await onB(world, role, { mirror: false });
		attacker.send(
			encodeUpdate({
				structs: [
					{
						client: victim,
						clock: last.id.clock,
						parent: { item: typeId(participantMap(world.model, world.participants[role as 'member' | 'guest'])) },
						parentSub: 'checkedIn',
						content: { kind: 'any', values: [true, true] }
					}
				]
			})
		);
		await expectRefused(attacker, 'forbidden-or-invalid', `${role} on B overlapping`);
		await expectOnlyHonestOnBoth(world, observerB, `${role} on B overlapping`);
	});

	it('the chair offline from A, a member on B at the chair’s next clock: refused; the chair reconnecting to B is acknowledged and reaches both', async () => {
		const world = await openWorld(a.origin);
		keep('offline chair across instances', world);
		const observerB = await observerOnB(world);
		const chair = await world.connect('chair');
		const chairId = chair.doc.clientID;
		await world.honest(chair, (doc) => getItemNotes(doc, world.items.item1).insert(0, 'Ordföranden på A. '));
		await chair.close();
		const next = stateOf(chair.doc, chairId);
		chair.doc.transact(() => {
			getItemNotes(chair.doc, world.items.item1).insert(0, 'Offline. ');
			startItem(chair.doc, world.items.item2);
		});
		const attacker = await onB(world, 'member', { mirror: false });
		attacker.send(
			encodeUpdate({ structs: [{ client: chairId, clock: next, parent: { item: typeId(notesOf(world.model, world.items.item1)) }, content: { kind: 'string', text: 'x'.repeat(200) } }] })
		);
		await expectRefused(attacker, 'forbidden', 'member on B at the chair’s next clock');
		const back = await onB(world, 'chair', { doc: chair.doc, label: 'chair reconnecting to B' });
		await back.acked();
		expect(back.savedClock(chairId)).toBeGreaterThanOrEqual(stateOf(chair.doc, chairId));
		world.accept(Y.encodeStateAsUpdate(chair.doc, Y.encodeStateVector(world.model)));
		await expectOnlyHonestOnBoth(world, observerB, 'offline chair across instances');
		expect(notesOf(observerB.doc, world.items.item1).toString()).toContain('Offline. ');
	});

	it('a member on B placing a struct after the chair’s next clock: the chair’s write on A never completes it, on either instance', async () => {
		const world = await openWorld(a.origin);
		keep('pending across instances', world);
		const observerB = await observerOnB(world);
		const chair = await world.connect('chair');
		const chairId = chair.doc.clientID;
		await world.honest(chair, (doc) => getItemNotes(doc, world.items.item1).insert(0, 'O. '));
		const attacker = await onB(world, 'member', { mirror: false });
		attacker.send(
			encodeUpdate({
				structs: [
					{
						client: freshClientId(),
						clock: 0,
						origin: { client: chairId, clock: stateOf(world.model, chairId) },
						content: { kind: 'any', values: [{ id: 'PendingB00000001', type: 'meeting_closed', at: '2026-11-30T12:00:00.000Z', by: null, itemId: null, fromItemId: null, forItemId: null, via: null, parkingEntryId: null, note: 'B' }] }
					}
				]
			})
		);
		await new Promise((resolve) => setTimeout(resolve, 200));
		await world.honest(chair, (doc) => void startItem(doc, world.items.item2));
		await expectOnlyHonestOnBoth(world, observerB, 'pending across instances (attacker connected)');
		await attacker.close();
		await chair.close();
	});

	it('role and schema on B: a member removing an adjuster, a member’s off-schema check-in, the organiser’s off-schema item are all refused', async () => {
		const world = await openWorld(a.origin);
		keep('role and schema across instances', world);
		const observerB = await observerOnB(world);
		const remover = await onB(world, 'member');
		remover.edit((doc) => removeParticipant(doc, world.participants.adjuster2));
		await expectRefused(remover, 'forbidden', 'member on B removing an adjuster');
		const checkIn = await onB(world, 'member');
		checkIn.edit((doc) => participantMap(doc, world.participants.member).set('checkedIn', 'ja'));
		await expectRefused(checkIn, 'invalid', 'member on B checking in with a string');
		const organiserB = await onB(world, 'organiser');
		organiserB.edit((doc) => doc.getMap('items').set('NewEntity0000001', new Y.Array()));
		await expectRefused(organiserB, 'invalid', 'organiser on B writing an item as a Y.Array');
		await expectOnlyHonestOnBoth(world, observerB, 'role and schema on B');
	});

	it('PostgreSQL holds exactly the honest writes of every meeting above, and new observers on both instances read them', async () => {
		expect(registered.length).toBeGreaterThan(0);
		const storage = new PostgresStorage(schema.url);
		await storage.init();
		try {
			for (const { what, world } of registered) {
				const doc = new Y.Doc();
				for (const update of await storage.docs.loadUpdates(world.meetingId)) Y.applyUpdate(doc, update);
				expect.soft(deepState(doc), `${what}: stored in PostgreSQL`).toBe(deepState(world.model));
				expect.soft(stateVector(doc), `${what}: stored state vector`).toEqual(stateVector(world.model));
			}
		} finally {
			await storage.close();
		}
		for (const { what, world } of registered) {
			for (const origin of [a.origin, b.origin]) {
				const reader = await connectPeer(origin, world.meetingId, world.tokens.observer, 'reader');
				expect.soft(deepState(reader.doc), `${what}: a new observer on ${origin === a.origin ? 'A' : 'B'}`).toBe(deepState(world.model));
				await reader.close();
			}
		}
	});
});
