/**
 * Attack corpus, issue 12 "client ids belong to a principal": structs under a client id
 * first used by another invitation are refused whole (forbidden, 4403), whoever sends
 * them and wherever they would land; the real owner's later (also offline) edits still
 * integrate, are acknowledged and reach everyone. Each refused attack: no SAVED, a third
 * (observer) client never sees it, and the stored document never holds it — read from
 * SQLite with the server stopped and again through an observer after a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { getItemNotes, startItem } from '../../src/lib/meeting/index.ts';
import {
	type AttackServer,
	type Role,
	StoredChecks,
	encodeUpdate,
	expectRefused,
	lastElementId,
	lastStructOf,
	notesOf,
	openWorld,
	participantMap,
	stateOf,
	startAttackServer,
	typeId
} from './attack-harness.ts';
import { waitFor } from './helpers.ts';

let server: AttackServer;
const stored = new StoredChecks();

beforeAll(async () => {
	server = await startAttackServer();
});

afterAll(async () => {
	await server?.remove();
});

/** Every role but the organiser, whose client id is the one forged. */
const FORGERS: Role[] = ['member', 'adjuster', 'guest', 'observer', 'chair', 'secretary'];
const OWN_PARTICIPANT: Partial<Record<Role, 'member' | 'adjuster' | 'guest' | 'chair' | 'secretary'>> = {
	member: 'member',
	adjuster: 'adjuster',
	guest: 'guest',
	chair: 'chair',
	secretary: 'secretary'
};

function closingEvent(note: string, id = 'ForgedClose00001'): Record<string, unknown> {
	return {
		id,
		type: 'meeting_closed',
		at: '2026-11-30T12:00:00.000Z',
		by: null,
		itemId: null,
		fromItemId: null,
		forItemId: null,
		via: null,
		parkingEntryId: null,
		note
	};
}

describe('a client id first used by another invitation', () => {
	it.each(FORGERS)('%s: notes written under the organiser’s client id at its next clock are refused; the organiser’s own write at that clock then reaches everyone', async (role) => {
		const world = await openWorld(server.origin());
		try {
			const victim = world.organiser.doc.clientID;
			const attacker = await world.connect(role);
			attacker.send(
				encodeUpdate({
					structs: [
						{
							client: victim,
							clock: stateOf(world.model, victim),
							parent: { item: typeId(notesOf(world.model, world.items.item1)) },
							content: { kind: 'string', text: 'FÖRFALSKAT '.repeat(20) }
						}
					]
				})
			);
			await expectRefused(attacker, 'forbidden', `${role} forging the organiser's id`, { readOnly: role === 'observer' });
			await world.expectOnlyHonest(`${role} forging the organiser's id`);
			await world.honest(world.organiser, (doc) => getItemNotes(doc, world.items.item1).insert(0, 'Organisatörens anteckning. '));
			await world.expectOnlyHonest(`${role} forging: the organiser's write at the forged clock`);
			world.registerStored(`${role} forging the organiser's id`, stored);
		} finally {
			await world.close();
		}
	});

	it.each(FORGERS.filter((r) => r !== 'observer'))(
		'%s: a struct overlapping the last events entry (the organiser’s last clock) with a parent declared in notes cannot append to the live flow',
		async (role) => {
			const world = await openWorld(server.origin());
			try {
				const victim = world.organiser.doc.clientID;
				const last = lastStructOf(world.model, victim);
				expect(last.id, 'the organiser’s last write is the last events entry').toEqual(lastElementId(world.model.getArray('events')));
				const attacker = await world.connect(role);
				attacker.send(
					encodeUpdate({
						structs: [
							{
								client: victim,
								clock: last.id.clock,
								parent: { item: typeId(notesOf(world.model, world.items.item1)) },
								content: { kind: 'any', values: [closingEvent('redan hållen', 'ForgedHeld000001'), closingEvent(`${role} stänger mötet`)] }
							}
						]
					})
				);
				// Foreign client id (forbidden); a server may also find the declared parent (a Y.Text holding
				// objects) off-schema first (invalid): either refusal is right, what matters is that nothing lands.
				await expectRefused(attacker, 'forbidden-or-invalid', `${role} overlapping the last event`);
				await world.expectOnlyHonest(`${role} overlapping the last event`);
				world.registerStored(`${role} overlapping the last event`, stored);
			} finally {
				await world.close();
			}
		}
	);

	it.each(FORGERS.filter((r) => r !== 'observer'))(
		'%s: the map-entry variant (declared as its own check-in) cannot delete the last event',
		async (role) => {
			const world = await openWorld(server.origin());
			try {
				const victim = world.organiser.doc.clientID;
				const last = lastStructOf(world.model, victim);
				const own = world.participants[OWN_PARTICIPANT[role]!];
				const attacker = await world.connect(role);
				attacker.send(
					encodeUpdate({
						structs: [
							{
								client: victim,
								clock: last.id.clock,
								parent: { item: typeId(participantMap(world.model, own)) },
								parentSub: 'checkedIn',
								content: { kind: 'any', values: [true, true] }
							}
						]
					})
				);
				// Foreign client id (forbidden), and a boolean landing in events (invalid): either refusal is right.
				await expectRefused(attacker, 'forbidden-or-invalid', `${role} map-entry overlap`);
				await world.expectOnlyHonest(`${role} map-entry overlap`);
				expect(world.observer.doc.getArray('events').length, 'the live flow keeps its events').toBe(world.model.getArray('events').length);
				world.registerStored(`${role} map-entry overlap`, stored);
			} finally {
				await world.close();
			}
		}
	);
});

describe('an offline owner against a writer at its next clock', () => {
	it.each(['member', 'adjuster', 'guest', 'secretary'] as Role[])(
		'%s writes 200 characters at the offline chair’s next clock: refused; the chair’s offline edit is acknowledged and reaches everyone',
		async (role) => {
			const world = await openWorld(server.origin());
			try {
				const chair = await world.connect('chair');
				const chairId = chair.doc.clientID;
				await world.honest(chair, (doc) => getItemNotes(doc, world.items.item1).insert(0, 'Ordföranden: '));
				await chair.close();
				const next = stateOf(chair.doc, chairId);

				// Offline: the chair types and moves the meeting on; nothing is sent yet.
				const offlineDoc = chair.doc;
				offlineDoc.transact(() => {
					getItemNotes(offlineDoc, world.items.item1).insert(0, 'Offline skrivet av ordföranden. ');
					startItem(offlineDoc, world.items.item2);
				});

				const attacker = await world.connect(role);
				attacker.send(
					encodeUpdate({
						structs: [
							{
								client: chairId,
								clock: next,
								parent: { item: typeId(notesOf(world.model, world.items.item1)) },
								content: { kind: 'string', text: 'x'.repeat(200) }
							}
						]
					})
				);
				await expectRefused(attacker, 'forbidden', `${role} at the chair's next clock`);

				const back = await world.connect('chair', { doc: offlineDoc, label: 'chair reconnecting' });
				await back.acked();
				expect(back.savedClock(chairId), 'the chair’s offline clocks are acknowledged').toBeGreaterThanOrEqual(stateOf(offlineDoc, chairId));
				world.accept(Y.encodeStateAsUpdate(offlineDoc, Y.encodeStateVector(world.model)));
				await world.expectOnlyHonest(`${role} at the chair's next clock`);
				expect(notesOf(world.observer.doc, world.items.item1).toString()).toContain('Offline skrivet av ordföranden.');
				expect(notesOf(world.observer.doc, world.items.item1).toString()).not.toContain('xxxxxxxxxx');
				world.registerStored(`${role} at the chair's next clock`, stored);
			} finally {
				await world.close();
			}
		}
	);
});

describe('the same invitation', () => {
	it('may continue its own client id on a new connection (a device reconnecting)', async () => {
		const world = await openWorld(server.origin());
		try {
			const first = await world.connect('member');
			const own = first.doc.clientID;
			await world.honest(first, (doc) => getItemNotes(doc, world.items.item1).insert(0, 'Ledamoten: '));
			await first.close();
			const again = await world.connect('member', { label: 'member again', mirror: false });
			const continued = encodeUpdate({
				structs: [{ client: own, clock: stateOf(world.model, own), origin: { client: own, clock: stateOf(world.model, own) - 1 }, content: { kind: 'string', text: 'fortsätter' } }]
			});
			again.send(continued);
			await again.acked();
			world.accept(continued);
			await world.expectOnlyHonest('the member continuing its client id');
			expect(notesOf(world.observer.doc, world.items.item1).toString()).toContain('Ledamoten: fortsätter');
			world.registerStored('the member continuing its client id', stored);
		} finally {
			await world.close();
		}
	});
});

describe('stored and after a restart', () => {
	it('no refused attack is in storage or reaches a new observer after a restart', async () => {
		await stored.verifySqlite(server);
	});

	it('client ids keep their owner across a restart: the organiser’s id forged after it is still refused', async () => {
		const world = await openWorld(server.origin());
		try {
			const victim = world.organiser.doc.clientID;
			await world.organiser.close();
			await server.restart();
			const observer = await world.connect('observer', { label: 'observer after restart' });
			const attacker = await world.connect('member');
			attacker.send(
				encodeUpdate({
					structs: [
						{
							client: victim,
							clock: stateOf(world.model, victim),
							parent: { item: typeId(notesOf(world.model, world.items.item1)) },
							content: { kind: 'string', text: 'EFTER OMSTART ' }
						}
					]
				})
			);
			await expectRefused(attacker, 'forbidden', 'forging after a restart');
			const organiser = await world.connect('organiser', { doc: world.organiser.doc, label: 'organiser after restart' });
			await world.honest(organiser, (doc) => getItemNotes(doc, world.items.item1).insert(0, 'Efter omstarten. '));
			await waitFor(() => notesOf(observer.doc, world.items.item1).toString().includes('Efter omstarten.'), 'the organiser’s write');
			expect(notesOf(observer.doc, world.items.item1).toString()).not.toContain('EFTER OMSTART');
		} finally {
			await world.close();
		}
	});
});
