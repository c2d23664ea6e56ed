/**
 * Attack corpus, issue 21: every write must match the meeting document's layout as
 * docs/meeting-schema.md describes it (written out here from the doc, not from the
 * server's schema). Off-schema writes are refused for every role, runners included:
 * an `invalid` notice and close 4422 where the role may write the place, and forbidden
 * (4403) or invalid (4422) where it may not; never acknowledged, never at a third
 * client, never stored (SQLite with the server stopped, and after a restart).
 *
 * Categories: wrong Yjs type, wrong primitive, too long, bad enum, bad date/time, bad
 * order key, prototype and ill-formed keys, and content that is not plain text in
 * every Y.Text (formatting, embeds, Y types, subdocuments, binary, JSON, any).
 * The organiser gets every deterministic example; the other roles get the examples in
 * their own area plus a fast-check sample of the rest (fixed seed, printed on failure).
 * Poisons run in small parallel batches, each on its own connection; after a batch the
 * organiser writes a sentinel and the observer must hold exactly the honest writes.
 */
import fc from 'fast-check';
import { generateKeyBetween } from 'fractional-indexing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CLOSE } from '../../src/lib/protocol/index.ts';
import {
	type AttackServer,
	type Content,
	type Role,
	StoredChecks,
	type World,
	WorldPool,
	decisionMap,
	encodeUpdate,
	freshClientId,
	itemMap,
	notesOf,
	participantMap,
	startAttackServer,
	typeId
} from './attack-harness.ts';

const SEED = Number(process.env.ATTACK_SEED ?? 20261130);

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

// ---------------------------------------------------------------- the layout, from docs/meeting-schema.md

type Kind =
	| 'string'
	| 'string?'
	| 'date?'
	| 'time?'
	| 'iso'
	| 'iso?'
	| 'bool'
	| 'order'
	| 'minutes?'
	| 'personRefs'
	| 'personRef?'
	| 'itemScope'
	| 'text'
	| 'map'
	| { enum: readonly string[]; nullable?: boolean };

interface Field {
	path: string;
	kind: Kind;
	/** The member's, adjuster's or guest's own check-in: in their area. */
	own?: boolean;
	map(doc: Y.Doc, world: World, role: Role): Y.Map<unknown>;
	key: string;
}

const OWN_PARTICIPANT: Partial<Record<Role, 'member' | 'adjuster' | 'guest'>> = { member: 'member', adjuster: 'adjuster', guest: 'guest' };

const header = (key: string, kind: Kind): Field => ({ path: `header.${key}`, kind, key, map: (doc) => doc.getMap('header') });
const participant = (key: string, kind: Kind, own = false): Field => ({
	path: `participants/<${own ? 'own' : 'member'}>.${key}`,
	kind,
	own,
	key,
	map: (doc, w, role) => participantMap(doc, w.participants[(own && OWN_PARTICIPANT[role]) || 'member'])
});
const item = (key: string, kind: Kind): Field => ({ path: `items/<item1>.${key}`, kind, key, map: (doc, w) => itemMap(doc, w.items.item1) });
const decision = (key: string, kind: Kind): Field => ({
	path: `items/<item1>/decisions/<d>.${key}`,
	kind,
	key,
	map: (doc, w) => decisionMap(doc, w.items.item1, w.decision)
});
const assignment = (key: string, kind: Kind): Field => ({
	path: `items/<item1>/assignments/<a>.${key}`,
	kind,
	key,
	map: (doc, w) => (itemMap(doc, w.items.item1).get('assignments') as Y.Map<Y.Map<unknown>>).get(w.assignment)!
});

const FIELDS: Field[] = [
	header('title', 'string'),
	header('groupName', 'string?'),
	header('kind', { enum: ['notes', 'minutes'] }),
	header('date', 'date?'),
	header('startTime', 'time?'),
	header('endTime', 'time?'),
	header('place', 'string?'),
	header('nextMeetingDate', 'date?'),
	header('nextMeetingTime', 'time?'),
	header('nextMeetingNote', 'string?'),
	participant('name', 'string'),
	participant('organisation', 'string?'),
	participant('title', 'string?'),
	participant('role', { enum: ['chair', 'secretary', 'adjuster', 'member', 'guest', 'presenter', 'observer'] }),
	participant('section', { enum: ['members', 'others'] }),
	participant('attendance', { enum: ['room', 'remote', 'absent'] }, true),
	participant('checkedIn', 'bool', true),
	participant('checkedInAt', 'iso?', true),
	participant('items', 'itemScope'),
	participant('order', 'order'),
	participant('createdAt', 'iso'),
	participant('deletedAt', 'iso?'),
	item('title', 'string'),
	item('order', 'order'),
	item('kind', { enum: ['information', 'discussion', 'decision'], nullable: true }),
	item('plannedMinutes', 'minutes?'),
	item('presenters', 'personRefs'),
	item('guests', 'personRefs'),
	item('notes', 'text'),
	item('decisions', 'map'),
	item('assignments', 'map'),
	item('documents', 'map'),
	item('extractRecipients', 'map'),
	item('createdAt', 'iso'),
	item('deletedAt', 'iso?'),
	decision('text', 'text'),
	decision('note', 'string?'),
	decision('order', 'order'),
	decision('reservations', 'map'),
	decision('conflicts', 'map'),
	decision('deletedAt', 'iso?'),
	assignment('text', 'string'),
	assignment('owner', 'personRef?'),
	assignment('dueDate', 'date?'),
	assignment('dueText', 'string?'),
	assignment('status', { enum: ['open', 'done'] }),
	assignment('order', 'order')
];

// ---------------------------------------------------------------- poisons

type YFactory = 'Y.Map' | 'Y.Array' | 'Y.Text' | 'Y.XmlFragment' | 'Y.XmlText';

interface Poison {
	name: string;
	/** In the area the role may write (its own check-in, the notes of an item it attends), or not. */
	own: boolean;
	/** An edit of the attacker's synced mirror, or a hand-made update (client id chosen by the harness). */
	write(doc: Y.Doc, world: World, role: Role): void | ((client: number) => Uint8Array);
}

function makeY(factory: YFactory): unknown {
	switch (factory) {
		case 'Y.Map':
			return new Y.Map();
		case 'Y.Array':
			return new Y.Array();
		case 'Y.Text':
			return new Y.Text('x');
		case 'Y.XmlFragment':
			return new Y.XmlFragment();
		case 'Y.XmlText':
			return new Y.XmlText('x');
	}
}

const show = (value: unknown) => {
	const text = typeof value === 'string' ? JSON.stringify(value.length > 40 ? `${value.slice(0, 20)}…(${value.length})` : value) : JSON.stringify(value);
	return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 60)}…` : text;
};

function setField(field: Field, value: unknown, label = show(value)): Poison {
	return {
		name: `${field.path} = ${label}`,
		own: field.own === true,
		write: (doc, w, role) => {
			field.map(doc, w, role).set(field.key, value);
		}
	};
}

function setY(field: Field, factory: YFactory): Poison {
	return { name: `${field.path} = ${factory}`, own: field.own === true, write: (doc, w, role) => void field.map(doc, w, role).set(field.key, makeY(factory)) };
}

const isEnum = (kind: Kind): kind is { enum: readonly string[]; nullable?: boolean } => typeof kind === 'object';

function realDate(value: string): boolean {
	const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
	if (!match) return false;
	const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
	const probe = new Date(Date.UTC(y, m - 1, d));
	return probe.getUTCFullYear() === y && probe.getUTCMonth() === m - 1 && probe.getUTCDate() === d;
}

function isoTime(value: string): boolean {
	return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(value) && realDate(value.slice(0, 10)) && !Number.isNaN(Date.parse(value));
}

function validOrderKey(value: string): boolean {
	try {
		generateKeyBetween(value, null);
		return true;
	} catch {
		return false;
	}
}

/** Values of the right Yjs kind (plain) but the wrong primitive for `kind`. */
function wrongPrimitive(kind: Kind): fc.Arbitrary<unknown> {
	const any = fc.oneof(
		fc.integer(),
		fc.double({ noNaN: true }),
		fc.boolean(),
		fc.constant(null),
		fc.string({ maxLength: 8 }),
		fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }),
		// fast-check may build dictionaries without a prototype, which Yjs refuses to store: copy into a plain object.
		fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), fc.integer(), { maxKeys: 2 }).map((d) => ({ ...d }))
	);
	const wrong = (value: unknown): boolean => {
		if (isEnum(kind)) return !(typeof value === 'string' && kind.enum.includes(value)) && !(kind.nullable && value === null);
		switch (kind) {
			case 'string':
				return typeof value !== 'string';
			case 'string?':
			case 'date?':
			case 'time?':
			case 'iso?':
				return typeof value !== 'string' && value !== null;
			case 'iso':
			case 'order':
				return typeof value !== 'string';
			case 'bool':
				return typeof value !== 'boolean';
			case 'minutes?':
				return value !== null && !(typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 1440);
			case 'personRefs':
				return !Array.isArray(value) || value.length > 0;
			case 'personRef?':
				return value !== null;
			case 'itemScope':
				return true;
			case 'text':
			case 'map':
				return true;
		}
	};
	return any.filter(wrong);
}

const WRONG_PRIMITIVE_EXAMPLES: Record<string, unknown[]> = {
	string: [42],
	'string?': [true],
	'date?': [20230609],
	'time?': [930],
	iso: [1701345600000],
	'iso?': [{ at: 'now' }],
	bool: ['true'],
	order: [1],
	'minutes?': ['30'],
	personRefs: ['Anna Andersson', [{ name: 5 }]],
	'personRef?': ['Anna Andersson'],
	itemScope: ['all', { scope: 'only', itemIds: 'x' }],
	text: ['plain string instead of a Y.Text', 7],
	map: [{}, 'x'],
	enum: [7]
};

const BAD_DATES = ['2023-02-30', '2023-13-01', '2023-6-9', '09/06/2023', 'igår', '2023-06-09T10:00:00.000Z'];
const BAD_TIMES = ['24:00', '7:05', '12:60', '1200', 'lunch'];
const BAD_ISO = ['igår', '2023-13-45T99:00:00.000Z', '2023-06-09', 'Mon Nov 30 2026'];
const BAD_ORDER = ['', 'a', 'a00', '!', 'b0'];
const BAD_IDS = ['__proto__', 'constructor', 'kort', 'x'.repeat(17), '../../etc/passwd', 'ÅÄÖåäöÅÄÖåäöÅÄÖå'];
const TOO_LONG = 120_000;

const kindName = (kind: Kind) => (isEnum(kind) ? 'enum' : kind);

function wrongTypePoisons(): Poison[] {
	const factories: YFactory[] = ['Y.Map', 'Y.Array', 'Y.Text', 'Y.XmlFragment'];
	const poisons: Poison[] = [];
	FIELDS.forEach((field, i) => {
		if (field.kind === 'text') {
			for (const factory of ['Y.Array', 'Y.Map', 'Y.XmlFragment', 'Y.XmlText'] as YFactory[]) poisons.push(setY(field, factory));
		} else if (field.kind === 'map') {
			poisons.push(setY(field, i % 2 ? 'Y.Array' : 'Y.Text'));
		} else {
			poisons.push(setY(field, factories[i % factories.length]));
		}
	});
	const entity = (collection: string, label: string, value: () => unknown, under: (doc: Y.Doc, w: World) => Y.Map<unknown>): Poison => ({
		name: `${collection}/<new id> = ${label}`,
		own: false,
		write: (doc, w) => void under(doc, w).set('NewEntity0000001', value())
	});
	const items = (doc: Y.Doc) => doc.getMap('items');
	for (const [label, value] of [
		['Y.Array', () => new Y.Array()],
		['Y.Text', () => new Y.Text('x')],
		['a string', () => 'punkt'],
		['a number', () => 4],
		['null', () => null],
		['Y.XmlFragment', () => new Y.XmlFragment()]
	] as [string, () => unknown][]) {
		poisons.push(entity('items', label, value, items));
	}
	poisons.push(entity('participants', 'Y.Text', () => new Y.Text('x'), (doc) => doc.getMap('participants')));
	poisons.push(entity('items/<item1>/decisions', 'a string', () => 'beslut', (doc, w) => itemMap(doc, w.items.item1).get('decisions') as Y.Map<unknown>));
	poisons.push(entity('items/<item1>/assignments', 'Y.Array', () => new Y.Array(), (doc, w) => itemMap(doc, w.items.item1).get('assignments') as Y.Map<unknown>));
	poisons.push(entity('parkingLot', 'a number', () => 42, (doc) => doc.getMap('parkingLot')));
	poisons.push({ name: 'events entry = Y.Map', own: false, write: (doc) => doc.getArray('events').push([new Y.Map()]) });
	poisons.push({ name: 'events entry = a string', own: false, write: (doc) => doc.getArray('events').push(['meeting_closed']) });
	poisons.push({ name: 'meta.schemaVersion = "1"', own: false, write: (doc) => void doc.getMap('meta').set('schemaVersion', '1') });
	poisons.push({
		name: 'root items written as a sequence (text in a map root)',
		own: false,
		write: () => (client) => encodeUpdate({ structs: [{ client, clock: 0, parent: { root: 'items' }, content: { kind: 'string', text: 'punkt' } }] })
	});
	poisons.push({
		name: 'root header given an array element',
		own: false,
		write: () => (client) => encodeUpdate({ structs: [{ client, clock: 0, parent: { root: 'header' }, content: { kind: 'any', values: [{ title: 'x' }] } }] })
	});
	poisons.push({
		name: 'an unknown root "evil"',
		own: false,
		write: () => (client) => encodeUpdate({ structs: [{ client, clock: 0, parent: { root: 'evil' }, parentSub: 'x', content: { kind: 'any', values: [1] } }] })
	});
	poisons.push({
		name: 'own participant map replaced by a Y.Text',
		own: false,
		write: (doc, w, role) => void doc.getMap('participants').set(w.participants[OWN_PARTICIPANT[role] ?? 'member'], new Y.Text('x'))
	});
	return poisons;
}

function wrongPrimitivePoisons(): Poison[] {
	return FIELDS.flatMap((field) => (WRONG_PRIMITIVE_EXAMPLES[kindName(field.kind)] ?? []).map((value) => setField(field, value)));
}

function tooLongPoisons(): Poison[] {
	return FIELDS.filter((f) => f.kind === 'string' || f.kind === 'string?').map((field) => setField(field, 'x'.repeat(TOO_LONG), `${TOO_LONG} characters`));
}

function badEnumPoisons(): Poison[] {
	const poisons = FIELDS.filter((f) => isEnum(f.kind)).flatMap((field) => ['king', 'Chair', ''].map((value) => setField(field, value)));
	poisons.push({
		name: 'events entry with type "meeting_exploded"',
		own: false,
		write: (doc) =>
			doc.getArray('events').push([{ id: 'EventId000000001', type: 'meeting_exploded', at: '2026-11-30T12:00:00.000Z', by: null, itemId: null, fromItemId: null, forItemId: null, via: null, parkingEntryId: null, note: null }])
	});
	return poisons;
}

function badDatePoisons(): Poison[] {
	return FIELDS.flatMap((field) => {
		if (field.kind === 'date?') return BAD_DATES.map((v) => setField(field, v));
		if (field.kind === 'time?') return BAD_TIMES.map((v) => setField(field, v));
		if (field.kind === 'iso' || field.kind === 'iso?') return BAD_ISO.map((v) => setField(field, v));
		return [];
	});
}

function badOrderPoisons(): Poison[] {
	return FIELDS.filter((f) => f.kind === 'order').flatMap((field) => BAD_ORDER.map((v) => setField(field, v)));
}

function keyPoisons(): Poison[] {
	const poisons: Poison[] = [];
	const validItem = () => {
		const map = new Y.Map<unknown>();
		map.set('title', 'Punkt');
		map.set('parentId', null);
		map.set('order', 'a5');
		map.set('notes', new Y.Text());
		return map;
	};
	const validParticipant = () => {
		const map = new Y.Map<unknown>();
		map.set('name', 'Namn');
		map.set('role', 'member');
		map.set('order', 'a5');
		return map;
	};
	for (const id of BAD_IDS) {
		poisons.push({ name: `items/${show(id)} (an item under an ill-formed id)`, own: false, write: (doc) => void doc.getMap('items').set(id, validItem()) });
		poisons.push({ name: `participants/${show(id)}`, own: false, write: (doc) => void doc.getMap('participants').set(id, validParticipant()) });
	}
	poisons.push({
		name: 'items/<item1>/decisions/__proto__',
		own: false,
		write: (doc, w) => void (itemMap(doc, w.items.item1).get('decisions') as Y.Map<unknown>).set('__proto__', new Y.Map())
	});
	poisons.push({ name: 'header.__proto__ = "x"', own: false, write: (doc) => void doc.getMap('header').set('__proto__', 'x') });
	poisons.push({ name: 'header.isAdmin = true (a key the layout does not have)', own: false, write: (doc) => void doc.getMap('header').set('isAdmin', true) });
	poisons.push({ name: 'items/<item1>.constructor = "x"', own: false, write: (doc, w) => void itemMap(doc, w.items.item1).set('constructor', 'x') });
	poisons.push({
		name: 'participants/<own>.__proto__ = {role: "chair"}',
		own: false,
		write: (doc, w, role) => void participantMap(doc, w.participants[OWN_PARTICIPANT[role] ?? 'member']).set('__proto__', { role: 'chair' })
	});
	poisons.push({
		name: 'participants/<own>.checkedIn2 = true (an unknown key)',
		own: false,
		write: (doc, w, role) => void participantMap(doc, w.participants[OWN_PARTICIPANT[role] ?? 'member']).set('checkedIn2', true)
	});
	return poisons;
}

interface TextPath {
	name: string;
	own: boolean;
	text(doc: Y.Doc, world: World): Y.Text;
}

const TEXT_PATHS: TextPath[] = [
	{ name: 'items/<item1>/notes', own: true, text: (doc, w) => notesOf(doc, w.items.item1) },
	{ name: 'items/<item1>/decisions/<d>/text', own: false, text: (doc, w) => decisionMap(doc, w.items.item1, w.decision).get('text') as Y.Text }
];

function deep(depth: number): unknown {
	let value: unknown = 'botten';
	for (let i = 0; i < depth; i++) value = { n: value };
	return value;
}

function textContentPoisons(): Poison[] {
	return TEXT_PATHS.flatMap((path) => {
		const handMade = (label: string, content: Content): Poison => ({
			name: `${path.name}: ${label}`,
			own: path.own,
			write: (doc, w) => {
				const parent = typeId(path.text(doc, w));
				return (client) => encodeUpdate({ structs: [{ client, clock: 0, parent: { item: parent }, content }] });
			}
		});
		const api = (label: string, run: (text: Y.Text) => void): Poison => ({ name: `${path.name}: ${label}`, own: path.own, write: (doc, w) => run(path.text(doc, w)) });
		return [
			api('formatted text, href javascript:', (t) => t.insert(0, 'klicka', { link: { href: 'javascript:alert(1)' } })),
			api('bold formatting of existing text', (t) => (t.length ? t.format(0, 1, { bold: true }) : t.insert(0, 'fet', { bold: true }))),
			api('a 50 KB style attribute', (t) => t.insert(0, 'x', { style: 'a'.repeat(50_000) })),
			handMade('a format struct with key __proto__', { kind: 'format', key: '__proto__', value: { polluted: true } }),
			api('an embedded object', (t) => t.insertEmbed(0, { image: 'javascript:alert(1)' })),
			api('a 200 KB embedded object', (t) => t.insertEmbed(0, { blob: 'b'.repeat(200_000) })),
			handMade('a 3000-deep embedded object', { kind: 'embed', value: deep(3000) }),
			api('an embedded Y.Map', (t) => t.insertEmbed(0, new Y.Map())),
			handMade('a subdocument naming another meeting', { kind: 'doc', guid: 'AnotherMeetingId123456' }),
			handMade('a subdocument whose guid looks like a path', { kind: 'doc', guid: '../../data/motesrum.db' }),
			handMade('binary content', { kind: 'binary', bytes: new Uint8Array([0, 255, 1, 2]) }),
			handMade('JSON content', { kind: 'json', values: [{ text: 'json' }] }),
			handMade('any content', { kind: 'any', values: [{ text: 'any' }, 5] })
		];
	});
}

const CATEGORIES: Record<string, () => Poison[]> = {
	'wrong Yjs type': wrongTypePoisons,
	'wrong primitive': wrongPrimitivePoisons,
	'too long': tooLongPoisons,
	'bad enum': badEnumPoisons,
	'bad date or time': badDatePoisons,
	'bad order key': badOrderPoisons,
	'prototype and ill-formed keys': keyPoisons,
	'not plain text in a Y.Text': textContentPoisons
};

/** Random poisons drawn by fast-check from every category (random fields, random bad values). */
function generatedPoisons(): fc.Arbitrary<Poison> {
	const plain = FIELDS.filter((f) => f.kind !== 'text' && f.kind !== 'map');
	const strings = FIELDS.filter((f) => f.kind === 'string' || f.kind === 'string?');
	const enums = FIELDS.filter((f) => isEnum(f.kind));
	const dates = FIELDS.filter((f) => f.kind === 'date?');
	const isos = FIELDS.filter((f) => f.kind === 'iso' || f.kind === 'iso?');
	const orders = FIELDS.filter((f) => f.kind === 'order');
	return fc.oneof(
		fc.tuple(fc.constantFrom(...FIELDS), fc.constantFrom<YFactory>('Y.Map', 'Y.Array', 'Y.Text', 'Y.XmlFragment', 'Y.XmlText')).filter(([f, y]) => !(f.kind === 'text' && y === 'Y.Text') && !(f.kind === 'map' && y === 'Y.Map')).map(([f, y]) => setY(f, y)),
		fc.constantFrom(...plain).chain((f) => wrongPrimitive(f.kind).map((v) => setField(f, v))),
		fc.tuple(fc.constantFrom(...strings), fc.integer({ min: TOO_LONG, max: TOO_LONG + 50_000 })).map(([f, n]) => setField(f, 'y'.repeat(n), `${n} characters`)),
		fc.tuple(fc.constantFrom(...enums), fc.string({ maxLength: 12 })).filter(([f, v]) => isEnum(f.kind) && !f.kind.enum.includes(v)).map(([f, v]) => setField(f, v)),
		fc.tuple(fc.constantFrom(...dates), fc.string({ maxLength: 12 })).filter(([, v]) => !realDate(v)).map(([f, v]) => setField(f, v)),
		fc.tuple(fc.constantFrom(...isos), fc.string({ maxLength: 30 })).filter(([, v]) => !isoTime(v)).map(([f, v]) => setField(f, v)),
		fc.tuple(fc.constantFrom(...orders), fc.string({ maxLength: 6 })).filter(([, v]) => !validOrderKey(v)).map(([f, v]) => setField(f, v)),
		fc.string({ maxLength: 20 })
			.filter((id) => !/^[A-Za-z0-9_-]{16}$/.test(id))
			.map((id) => ({ name: `participants/${show(id)} (ill-formed id)`, own: false, write: (doc: Y.Doc) => void doc.getMap('participants').set(id, new Y.Map()) })),
		fc.constantFrom(...textContentPoisons())
	);
}

// ---------------------------------------------------------------- running them

const RUNNER_ROLES: Role[] = ['organiser', 'chair', 'secretary'];
const isRunner = (role: Role) => RUNNER_ROLES.includes(role);
const BATCH = 8;

/** Runs `poisons` as `role`; returns one line per thing that got through (empty when all were refused properly). */
async function runPoisons(role: Role, poisons: Poison[]): Promise<string[]> {
	const problems: string[] = [];
	for (let start = 0; start < poisons.length; start += BATCH) {
		const batch = poisons.slice(start, start + BATCH);
		const world = await pool.get(role);
		const verdicts = await Promise.all(
			batch.map(async (poison) => {
				const attacker = await world.connect(role, { label: `${role}: ${poison.name}` });
				try {
					let handMade: ((client: number) => Uint8Array) | null = null;
					const update = attacker.edit((doc) => {
						handMade = poison.write(doc, world, role) ?? null;
					});
					const built = handMade as ((client: number) => Uint8Array) | null;
					if (built) attacker.send(built(freshClientId()));
					else if (!update) return `${poison.name}: the poison changed nothing (test bug)`;
					const outcome = await attacker.answer(5000).catch(() => 'no answer');
					const invalidOnly = isRunner(role) || poison.own;
					const closes: number[] = invalidOnly ? [CLOSE.INVALID] : [CLOSE.FORBIDDEN, CLOSE.INVALID];
					const notices = invalidOnly ? ['invalid'] : ['forbidden', 'invalid'];
					if (outcome === 'saved') return `${poison.name}: acknowledged (SAVED)`;
					if (outcome !== 'refused') return `${poison.name}: ${outcome}`;
					await new Promise((resolve) => setTimeout(resolve, 20));
					const codes = attacker.notices.map((n) => n.code as string);
					if (!codes.some((c) => notices.includes(c))) return `${poison.name}: refused with notices ${JSON.stringify(codes)}, expected ${notices.join('/')}`;
					if (attacker.closeCode !== null && !closes.includes(attacker.closeCode)) return `${poison.name}: closed with ${attacker.closeCode}, expected ${closes.join('/')}`;
					return null;
				} finally {
					await attacker.close();
				}
			})
		);
		for (const verdict of verdicts) if (verdict) problems.push(verdict);
		await world.sentinel(`${role} batch`);
		if (!world.observerMatchesModel()) problems.push(`the observer got something of: ${batch.map((p) => p.name).join(' | ')}`);
	}
	return problems;
}

describe('the generator', () => {
	it('draws only off-schema values: bad dates, times, ISO times and order keys are rejected by independent checks', () => {
		for (const value of BAD_DATES) expect(realDate(value), value).toBe(false);
		for (const value of BAD_ISO) expect(isoTime(value), value).toBe(false);
		for (const value of BAD_ORDER) expect(validOrderKey(value), value).toBe(false);
		for (const value of BAD_TIMES) expect(/^([01]\d|2[0-3]):[0-5]\d$/.test(value), value).toBe(false);
		expect(realDate('2026-11-30')).toBe(true);
		expect(isoTime('2026-11-30T12:00:00.000Z')).toBe(true);
		expect(validOrderKey(generateKeyBetween(null, null))).toBe(true);
		for (const poison of fc.sample(generatedPoisons(), { numRuns: 200, seed: SEED })) expect(poison.name.length).toBeGreaterThan(0);
	});
});

describe('every off-schema example, written by the organiser, is refused (invalid, 4422)', () => {
	for (const [category, poisons] of Object.entries(CATEGORIES)) {
		it(category, async () => {
			expect(await runPoisons('organiser', poisons())).toEqual([]);
		});
	}
});

describe('chair and secretary: a fast-check sample of every category is refused (invalid, 4422)', () => {
	it.each(['chair', 'secretary'] as Role[])('%s', async (role) => {
		const poisons = fc.sample(generatedPoisons(), { numRuns: 30, seed: SEED + role.length });
		expect(await runPoisons(role, poisons), `seed ${SEED + role.length}`).toEqual([]);
	});
});

describe('adjuster, member, guest: off-schema writes in their own area are invalid; elsewhere forbidden or invalid', () => {
	const ownArea = () => Object.values(CATEGORIES).flatMap((category) => category().filter((p) => p.own));
	it.each(['adjuster', 'member', 'guest'] as Role[])('%s: every example in its own area (own check-in, notes of an item it attends)', async (role) => {
		expect(await runPoisons(role, ownArea())).toEqual([]);
	});

	it.each(['adjuster', 'member', 'guest'] as Role[])('%s: a fast-check sample of all the rest', async (role) => {
		const seed = SEED + 7 * role.length;
		const poisons = fc.sample(generatedPoisons(), { numRuns: 20, seed });
		expect(await runPoisons(role, poisons), `seed ${seed}`).toEqual([]);
	});
});

describe('stored and after a restart', () => {
	it('no off-schema write is in storage or reaches a new observer after a restart', async () => {
		pool.registerAll(stored);
		await pool.closeAll();
		await stored.verifySqlite(server);
	});
});
