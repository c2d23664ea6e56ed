/**
 * Attack corpus, issue 12 "effective parents", "no pending structs" and the stricter
 * role model. Every attacker uses a client id of its own (ownership is
 * attacks-ownership.test.ts): what is checked here is where a write really lands.
 *
 * - A struct lands where its origin / right origin lives, whatever it declares; a
 *   deletion counts where the deleted struct lives. Adjusters, members and guests write
 *   only the text of item notes (guests: items they attend or present) and their own
 *   check-in; observers write nothing; runners write everything.
 * - An update depending on clocks the server lacks is held for its connection or
 *   refused, never completed by someone else's later update; an honest client's
 *   out-of-order frames on one connection still integrate.
 * - The app's own operations (removeParticipant, removeDecision, …) by a role that may
 *   not use them are refused like hand-made ones.
 * Refused: no SAVED, forbidden/4403 (observers: a read-only notice), never at a third
 * client, never stored (checked at the end from SQLite and after a restart).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	addAssignment,
	addItem,
	addParkingLotEntry,
	closeMeeting,
	getDecisionText,
	getItemNotes,
	removeDecision,
	removeParticipant,
	setAttendance,
	setCheckedIn,
	setHeader,
	startItem,
	updateParticipant
} from '../../src/lib/meeting/index.ts';
import {
	type AttackServer,
	type Peer,
	type Role,
	StoredChecks,
	type World,
	WorldPool,
	decisionMap,
	encodeUpdate,
	expectRefused,
	firstElementId,
	freshClientId,
	itemMap,
	lastElementId,
	lastStructOf,
	mapEntryId,
	notesOf,
	openWorld,
	participantMap,
	startAttackServer,
	stateOf,
	typeId
} from './attack-harness.ts';
import { waitFor } from './helpers.ts';

let server: AttackServer;
let pool: WorldPool;
const stored = new StoredChecks();

beforeAll(async () => {
	server = await startAttackServer();
	pool = new WorldPool(() => server.origin());
});

afterAll(async () => {
	await pool?.closeAll();
	await server?.remove();
});

const NON_RUNNERS: Role[] = ['member', 'adjuster', 'guest', 'observer'];
const OWN: Record<string, 'member' | 'adjuster' | 'guest'> = { member: 'member', adjuster: 'adjuster', guest: 'guest' };

function closingEvent(note: string): Record<string, unknown> {
	return { id: 'AttackClose00001', type: 'meeting_closed', at: '2026-11-30T12:00:00.000Z', by: null, itemId: null, fromItemId: null, forItemId: null, via: null, parkingEntryId: null, note };
}

async function refusedHandMade(world: World, role: Role, what: string, build: (w: World, client: number) => Uint8Array): Promise<void> {
	const attacker = await world.connect(role, { mirror: false });
	attacker.send(build(world, freshClientId()));
	await expectRefused(attacker, 'forbidden', `${role}: ${what}`, { readOnly: role === 'observer' });
	await attacker.close();
	await world.expectOnlyHonest(`${role}: ${what}`);
}

interface HandMade {
	name: string;
	build(world: World, client: number): Uint8Array;
}

/** Structs with their own client id whose origin or right origin lives in a protected place. */
const PROTECTED_ORIGINS: HandMade[] = [
	{
		name: 'an event appended after the last events entry (origin)',
		build: (w, client) =>
			encodeUpdate({ structs: [{ client, clock: 0, origin: lastElementId(w.model.getArray('events')), content: { kind: 'any', values: [closingEvent('stängt')] } }] })
	},
	{
		name: 'an event inserted before the first events entry (right origin)',
		build: (w, client) =>
			encodeUpdate({ structs: [{ client, clock: 0, rightOrigin: firstElementId(w.model.getArray('events')), content: { kind: 'any', values: [closingEvent('först')] } }] })
	},
	{
		name: 'text appended to a decision’s wording (origin in decisions/<id>/text)',
		build: (w, client) =>
			encodeUpdate({
				structs: [{ client, clock: 0, origin: lastElementId(decisionMap(w.model, w.items.item1, w.decision).get('text') as Y.Text), content: { kind: 'string', text: ' och avslå allt' } }]
			})
	},
	{
		name: 'the second adjuster removed by a value placed after its deletedAt entry',
		build: (w, client) =>
			encodeUpdate({
				structs: [{ client, clock: 0, origin: mapEntryId(participantMap(w.model, w.participants.adjuster2), 'deletedAt'), content: { kind: 'any', values: ['2026-11-30T12:00:00.000Z'] } }]
			})
	},
	{
		name: 'a participant’s role replaced through an origin on its role entry',
		build: (w, client) =>
			encodeUpdate({
				structs: [{ client, clock: 0, origin: mapEntryId(participantMap(w.model, w.participants.member), 'role'), content: { kind: 'any', values: ['chair'] } }]
			})
	},
	{
		name: 'a header value replaced through an origin on header.kind, declaring nothing',
		build: (w, client) =>
			encodeUpdate({ structs: [{ client, clock: 0, origin: mapEntryId(w.model.getMap('header'), 'kind'), content: { kind: 'any', values: ['minutes'] } }] })
	},
	{
		name: 'a notes character first (allowed), then in the same update an event after the last entry',
		build: (w, client) =>
			encodeUpdate({
				structs: [
					{ client, clock: 0, parent: { item: typeId(notesOf(w.model, w.items.item1)) }, content: { kind: 'string', text: 'ok' } },
					{ client, clock: 2, origin: lastElementId(w.model.getArray('events')), content: { kind: 'any', values: [closingEvent('smuggling')] } }
				]
			})
	}
];

/** Deletions only (no structs), of protected places. */
const PROTECTED_DELETIONS: HandMade[] = [
	{
		name: 'the last event deleted',
		build: (w) => {
			const last = lastElementId(w.model.getArray('events'));
			return encodeUpdate({ deletes: [{ ...last, length: 1 }] });
		}
	},
	{
		name: 'a decision’s wording deleted',
		build: (w) => {
			const first = firstElementId(decisionMap(w.model, w.items.item1, w.decision).get('text') as Y.Text);
			return encodeUpdate({ deletes: [{ ...first, length: 5 }] });
		}
	},
	{
		name: 'a decision deleted from its item (the map entry)',
		build: (w) => encodeUpdate({ deletes: [{ ...mapEntryId(itemMap(w.model, w.items.item1).get('decisions') as Y.Map<unknown>, w.decision), length: 1 }] })
	},
	{
		name: 'the second adjuster deleted from the roster (the map entry)',
		build: (w) => encodeUpdate({ deletes: [{ ...mapEntryId(w.model.getMap('participants'), w.participants.adjuster2), length: 1 }] })
	},
	{
		name: 'the meeting title deleted',
		build: (w) => encodeUpdate({ deletes: [{ ...mapEntryId(w.model.getMap('header'), 'title'), length: 1 }] })
	}
];

describe('effective parents: where a struct really lands', () => {
	for (const attack of PROTECTED_ORIGINS) {
		it.each(NON_RUNNERS)(`%s: ${attack.name}`, async (role) => {
			const world = await pool.get(role);
			await refusedHandMade(world, role, attack.name, attack.build);
		});
	}
});

describe('an overlap with one’s own held struct lands after that struct, whatever it declares', () => {
	it.each(['member', 'adjuster', 'guest'] as Role[])('%s: a tail declared in notes after its own check-in entry lands in checkedIn as a string (refused)', async (role) => {
		const world = await pool.get(`${role}-overlap`);
		const peer = await world.connect(role, { mirror: false });
		const own = freshClientId();
		const participant = world.participants[OWN[role]];
		const checkIn = encodeUpdate({ structs: [{ client: own, clock: 0, origin: mapEntryId(participantMap(world.model, participant), 'checkedIn'), content: { kind: 'any', values: [true] } }] });
		peer.send(checkIn);
		await peer.acked();
		world.accept(checkIn);
		peer.send(
			encodeUpdate({ structs: [{ client: own, clock: 0, parent: { item: typeId(notesOf(world.model, world.items.item1)) }, content: { kind: 'string', text: 'ja' } }] })
		);
		await expectRefused(peer, 'forbidden-or-invalid', `${role}: overlap tail into its own checkedIn`);
		await peer.close();
		await world.expectOnlyHonest(`${role}: overlap tail into its own checkedIn`);
	});

	it('chair: a tail declared in notes after its own events entry lands in events as text (invalid)', async () => {
		const world = await pool.get('chair-overlap');
		const chair = await world.connect('chair');
		const chairId = chair.doc.clientID;
		await world.honest(chair, (doc) => void startItem(doc, world.items.item2));
		const last = lastStructOf(world.model, chairId);
		expect(last.id).toEqual(lastElementId(world.model.getArray('events')));
		chair.send(
			encodeUpdate({
				structs: [{ client: chairId, clock: last.id.clock, parent: { item: typeId(notesOf(world.model, world.items.item1)) }, content: { kind: 'string', text: 'xy' } }]
			})
		);
		await expectRefused(chair, 'invalid', 'chair: overlap tail into events');
		await chair.close();
		await world.expectOnlyHonest('chair: overlap tail into events');
	});
});

describe('deletions count where the deleted struct lives', () => {
	for (const attack of PROTECTED_DELETIONS) {
		it.each(NON_RUNNERS)(`%s: ${attack.name}`, async (role) => {
			const world = await pool.get(role);
			await refusedHandMade(world, role, attack.name, attack.build);
		});
	}

	it.each(['member', 'adjuster', 'guest'] as Role[])('%s may delete someone else’s words in the notes of an item it attends', async (role) => {
		const world = await pool.get(role);
		await world.honest(world.organiser, (doc) => getItemNotes(doc, world.items.item1).insert(0, 'Organisatören skrev detta. '));
		const editor = await world.connect(role);
		await world.honest(editor, (doc) => getItemNotes(doc, world.items.item1).delete(0, 13));
		await world.expectOnlyHonest(`${role} deleting notes`);
		expect(notesOf(world.observer.doc, world.items.item1).toString()).not.toContain('Organisatören');
		await editor.close();
	});
});

interface Operation {
	name: string;
	run(doc: Y.Doc, world: World, role: Role): void;
}

/** The app's own operations that only runners may use. */
const RUNNER_OPERATIONS: Operation[] = [
	{ name: 'remove the second adjuster (removeParticipant)', run: (doc, w) => removeParticipant(doc, w.participants.adjuster2) },
	{ name: 'delete a decision (removeDecision)', run: (doc, w) => removeDecision(doc, w.items.item1, w.decision) },
	{ name: 'change a participant’s role', run: (doc, w) => updateParticipant(doc, w.participants.member, { role: 'chair' }) },
	{ name: 'go to the next item (events)', run: (doc, w) => void startItem(doc, w.items.item2) },
	{ name: 'close the meeting (events)', run: (doc) => closeMeeting(doc) },
	{ name: 'check in someone else', run: (doc, w) => setCheckedIn(doc, w.participants.adjuster2, true) },
	{ name: 'set someone else’s attendance', run: (doc, w) => setAttendance(doc, w.participants.chair, 'absent') },
	{ name: 'rename themselves', run: (doc, w, role) => updateParticipant(doc, w.participants[OWN[role] ?? 'member'], { name: 'Ordförande' }) },
	{ name: 'widen their own item scope', run: (doc, w, role) => updateParticipant(doc, w.participants[OWN[role] ?? 'member'], { items: { scope: 'all' } }) },
	{ name: 'change the title', run: (doc) => setHeader(doc, { title: 'Kapat möte' }) },
	{ name: 'make the notes a protokoll (header.kind)', run: (doc) => setHeader(doc, { kind: 'minutes' }) },
	{ name: 'add an agenda item', run: (doc) => void addItem(doc, { title: 'Ny punkt' }) },
	{ name: 'edit a decision’s wording', run: (doc, w) => getDecisionText(doc, w.items.item1, w.decision).insert(0, 'Inte: ') },
	{ name: 'add an assignment', run: (doc, w) => void addAssignment(doc, w.items.item1, { text: 'Uppdrag' }) },
	{ name: 'add a parking lot question', run: (doc) => void addParkingLotEntry(doc, { text: 'Fråga' }) }
];

async function attempt(world: World, role: Role, operation: Operation): Promise<Peer> {
	const actor = await world.connect(role);
	const update = actor.edit((doc) => operation.run(doc, world, role));
	expect(update, `${operation.name} changes the actor’s copy`).not.toBeNull();
	return actor;
}

describe('the role model with the app’s own operations', () => {
	for (const operation of RUNNER_OPERATIONS) {
		it.each(NON_RUNNERS)(`%s may not ${operation.name}`, async (role) => {
			const world = await pool.get(role);
			const actor = await attempt(world, role, operation);
			await expectRefused(actor, 'forbidden', `${role}: ${operation.name}`, { readOnly: role === 'observer' });
			await actor.close();
			await world.expectOnlyHonest(`${role}: ${operation.name}`);
		});
	}

	it.each(['chair', 'secretary'] as Role[])('%s may do every one of them (acknowledged, seen by the observer)', async (role) => {
		const world = await openWorld(server.origin());
		try {
			// Removals and closing last, so the operations before them still find what they change.
			const isFinal = (op: Operation) => /^(remove|delete a decision|close)/.test(op.name);
			const own = RUNNER_OPERATIONS.filter((op) => !op.name.startsWith('rename') && !op.name.startsWith('widen'));
			for (const operation of [...own.filter((op) => !isFinal(op)), ...own.filter(isFinal)]) {
				const actor = await world.connect(role);
				await world.honest(actor, (doc) => operation.run(doc, world, role));
				await actor.close();
			}
			await world.expectOnlyHonest(`${role} running the meeting`);
			world.registerStored(`${role} running the meeting`, stored);
		} finally {
			await world.close();
		}
	});

	it.each(['member', 'adjuster', 'guest'] as Role[])('%s may write notes of item 1 and check itself in (own checkedIn, checkedInAt, attendance)', async (role) => {
		const world = await pool.get(role);
		const actor = await world.connect(role);
		await world.honest(actor, (doc) => getItemNotes(doc, world.items.item1).insert(0, `${role} antecknar. `));
		await world.honest(actor, (doc) => setCheckedIn(doc, world.participants[OWN[role]], true, { attendance: 'remote' }));
		await world.honest(actor, (doc) => setAttendance(doc, world.participants[OWN[role]], 'room'));
		await actor.close();
		await world.expectOnlyHonest(`${role} notes and own check-in`);
	});

	it('observer may not write notes', async () => {
		const world = await pool.get('observer');
		const actor = await attempt(world, 'observer', { name: 'notes', run: (doc, w) => getItemNotes(doc, w.items.item1).insert(0, 'Åhöraren: ') });
		await expectRefused(actor, 'forbidden', 'observer writing notes', { readOnly: true });
		await actor.close();
		await world.expectOnlyHonest('observer writing notes');
	});

	it('guest may write the notes of the item it presents, not of an item it neither attends nor presents', async () => {
		const world = await pool.get('guest');
		const presenter = await world.connect('guest');
		await world.honest(presenter, (doc) => getItemNotes(doc, world.items.item3).insert(0, 'Gästen föredrar. '));
		await presenter.close();
		const outsider = await attempt(world, 'guest', { name: 'notes of item 2', run: (doc, w) => getItemNotes(doc, w.items.item2).insert(0, 'Gästen i punkt 2. ') });
		await expectRefused(outsider, 'forbidden', 'guest writing notes of item 2');
		await outsider.close();
		await world.expectOnlyHonest('guest writing notes of item 2');
		// Hand-made: a fresh struct declared in item 2's notes.
		await refusedHandMade(world, 'guest', 'a struct declared in item 2’s notes', (w, client) =>
			encodeUpdate({ structs: [{ client, clock: 0, parent: { item: typeId(notesOf(w.model, w.items.item2)) }, content: { kind: 'string', text: 'in' } }] })
		);
	});
});

describe('updates that depend on clocks the server does not hold', () => {
	it.each(['member', 'adjuster', 'guest'] as Role[])(
		'%s: the decoy chain (a struct at the chair’s clock S+1 and one of its own after it) never lands when the chair next syncs',
		async (role) => {
			const world = await pool.get(`${role}-decoy`);
			const chair = await world.connect('chair');
			const chairId = chair.doc.clientID;
			await world.honest(chair, (doc) => getItemNotes(doc, world.items.item1).insert(0, 'Ordföranden. '));
			const s = stateOf(world.model, chairId);
			const attacker = await world.connect(role, { mirror: false });
			const own = freshClientId();
			attacker.send(
				encodeUpdate({
					structs: [
						{ client: chairId, clock: s + 1, origin: lastElementId(world.model.getArray('events')), content: { kind: 'any', values: [closingEvent('lockbete')] } },
						{ client: own, clock: 0, origin: { client: chairId, clock: s + 1 }, content: { kind: 'any', values: [closingEvent('efter lockbetet')] } }
					]
				})
			);
			await expectRefused(attacker, 'forbidden', `${role}: decoy chain`);
			await world.honest(chair, (doc) => {
				getItemNotes(doc, world.items.item1).insert(0, 'X');
				startItem(doc, world.items.item2);
			});
			await world.expectOnlyHonest(`${role}: decoy chain, after the chair's next write`);
			await chair.close();
		}
	);

	it.each(['member', 'adjuster', 'guest'] as Role[])(
		'%s: a struct of its own placed after the chair’s next (not yet written) event is never completed by the chair’s write',
		async (role) => {
			const world = await pool.get(`${role}-pending-struct`);
			const chair = await world.connect('chair');
			const chairId = chair.doc.clientID;
			await world.honest(chair, (doc) => getItemNotes(doc, world.items.item1).insert(0, 'Ordföranden. '));
			const s = stateOf(world.model, chairId);
			const attacker = await world.connect(role, { mirror: false });
			attacker.send(
				encodeUpdate({ structs: [{ client: freshClientId(), clock: 0, origin: { client: chairId, clock: s }, content: { kind: 'any', values: [closingEvent('väntar på ordföranden')] } }] })
			);
			// Held for the connection or refused: either way never acknowledged.
			await new Promise((resolve) => setTimeout(resolve, 200));
			expect(attacker.saved.length, 'the dependent frame is not acknowledged').toBeLessThan(1 + attacker.framesSent);
			await world.honest(chair, (doc) => void startItem(doc, world.items.item2));
			await world.expectOnlyHonest(`${role}: own struct after the chair's next clock (connection open)`);
			await attacker.close();
			await world.honest(chair, (doc) => void startItem(doc, world.items.item3));
			await world.expectOnlyHonest(`${role}: own struct after the chair's next clock (connection closed)`);
			await chair.close();
		}
	);

	it.each(['member', 'adjuster', 'guest'] as Role[])('%s: a deletion of the chair’s next (not yet written) clock never strikes the chair’s event', async (role) => {
		const world = await pool.get(`${role}-pending-delete`);
		const chair = await world.connect('chair');
		const chairId = chair.doc.clientID;
		await world.honest(chair, (doc) => getItemNotes(doc, world.items.item1).insert(0, 'O'));
		const s = stateOf(world.model, chairId);
		const attacker = await world.connect(role, { mirror: false });
		attacker.send(encodeUpdate({ deletes: [{ client: chairId, clock: s, length: 3 }] }));
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(attacker.saved.length, 'the pending deletion is not acknowledged').toBeLessThan(1 + attacker.framesSent);
		await world.honest(chair, (doc) => void startItem(doc, world.items.item2));
		await world.expectOnlyHonest(`${role}: pending deletion of the chair's next clock`);
		expect(world.observer.doc.getArray('events').length).toBe(world.model.getArray('events').length);
		await attacker.close();
		await chair.close();
	});

	it('an honest client’s frames that arrive out of order on one connection both integrate and are acknowledged', async () => {
		const world = await pool.get('member-order');
		const member = await world.connect('member', { mirror: false });
		const own = freshClientId();
		const notes = typeId(notesOf(world.model, world.items.item2));
		const second = encodeUpdate({ structs: [{ client: own, clock: 3, origin: { client: own, clock: 2 }, content: { kind: 'string', text: 'sen' } }] });
		const first = encodeUpdate({ structs: [{ client: own, clock: 0, parent: { item: notes }, content: { kind: 'string', text: 'för' } }] });
		member.send(second);
		member.send(first);
		await member.acked();
		world.accept(first);
		world.accept(second);
		await waitFor(() => notesOf(world.observer.doc, world.items.item2).toString().includes('försen'), 'both frames at the observer');
		await world.expectOnlyHonest('out-of-order frames');
		await member.close();
	});

	it('a frame held for a connection is dropped when it closes: its dependency sent later on another connection lands alone', async () => {
		const world = await pool.get('member-order');
		const own = freshClientId();
		const notes = typeId(notesOf(world.model, world.items.item3));
		const first = await world.connect('member', { mirror: false });
		first.send(encodeUpdate({ structs: [{ client: own, clock: 1, origin: { client: own, clock: 0 }, content: { kind: 'string', text: 'kvar' } }] }));
		await new Promise((resolve) => setTimeout(resolve, 200));
		await first.close();
		const second = await world.connect('member', { mirror: false });
		const dependency = encodeUpdate({ structs: [{ client: own, clock: 0, parent: { item: notes }, content: { kind: 'string', text: 'A' } }] });
		second.send(dependency);
		await second.acked();
		world.accept(dependency);
		await world.expectOnlyHonest('held frame dropped on close');
		expect(notesOf(world.observer.doc, world.items.item3).toString()).toBe('A');
		await second.close();
	});
});

describe('stored and after a restart', () => {
	it('no refused attack is in storage or reaches a new observer after a restart', async () => {
		pool.registerAll(stored);
		await pool.closeAll();
		await stored.verifySqlite(server);
	});
});
