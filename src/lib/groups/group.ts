/**
 * Writes and reads of the group document: name, roster, agenda template, the group's
 * meetings and matters closed from the group's page. Each write is one transaction and
 * validates first. Layout and concurrency: docs/groups.md.
 */
import * as Y from 'yjs';
import { generateNKeysBetween } from 'fractional-indexing';
import { ITEM_KINDS, PARTICIPANT_ROLES, type ItemKind, type ParticipantRole } from '../meeting/index.js';
import {
	GROUP_SCHEMA_VERSION,
	LIMITS,
	groupRoots,
	isoNow,
	keyAt,
	liveSorted,
	newId,
	oneOf,
	optionalText,
	readString,
	requireGroup,
	requiredText,
	type EntityMap,
	type InitGroupInput
} from './doc.js';
import { GroupError, invalid, notFound } from './errors.js';

export const TEMPLATE_ROLES = ['outstanding', 'next_meeting'] as const;
/** outstanding: carried matters are listed under it; next_meeting: where the next meeting is set. */
export type TemplateRole = (typeof TEMPLATE_ROLES)[number];

export interface MemberInput {
	name: string;
	organisation?: string | null;
	/** The role the member gets in each new meeting (default member). */
	role?: ParticipantRole;
	index?: number;
}

export interface TemplateItemInput {
	title: string;
	kind?: ItemKind | null;
	plannedMinutes?: number | null;
	role?: TemplateRole | null;
	index?: number;
}

export interface MemberView {
	readonly id: string;
	readonly name: string;
	readonly organisation: string | null;
	readonly role: ParticipantRole;
}

export interface TemplateItemView {
	readonly id: string;
	readonly title: string;
	readonly kind: ItemKind | null;
	readonly plannedMinutes: number | null;
	readonly role: TemplateRole | null;
}

export interface GroupMeetingRef {
	readonly id: string;
	readonly sequence: number;
	readonly title: string;
	readonly date: string | null;
	readonly createdAt: string | null;
}

export interface GroupClosure {
	readonly key: string;
	readonly at: string;
	readonly note: string | null;
}

export interface GroupView {
	readonly initialised: boolean;
	readonly name: string;
	readonly createdAt: string | null;
	readonly roster: readonly MemberView[];
	readonly template: readonly TemplateItemView[];
	/** In sequence order. */
	readonly meetings: readonly GroupMeetingRef[];
	readonly closures: readonly GroupClosure[];
}

/**
 * The standing agenda of a new group (editable afterwards). Document content, Swedish
 * as the minutes are; the UI may pass its own titles instead.
 */
export const DEFAULT_TEMPLATE: readonly TemplateItemInput[] = [
	{ title: 'Välkommen' },
	{ title: 'Val av justerare' },
	{ title: 'Föregående möten / utestående ärenden', role: 'outstanding' },
	{ title: 'Övriga frågor' },
	{ title: 'Nästa möte', role: 'next_meeting' }
];

function memberWrites(patch: Partial<MemberInput>): Map<string, unknown> {
	if (typeof patch !== 'object' || patch === null) throw invalid('member', 'must be an object');
	const writes = new Map<string, unknown>();
	if (patch.name !== undefined) writes.set('name', requiredText(patch.name, 'name', LIMITS.name));
	const organisation = optionalText(patch.organisation, 'organisation', LIMITS.title);
	if (organisation !== undefined) writes.set('organisation', organisation);
	if (patch.role !== undefined) writes.set('role', oneOf(patch.role, PARTICIPANT_ROLES, 'role'));
	return writes;
}

function templateWrites(patch: Partial<TemplateItemInput>): Map<string, unknown> {
	if (typeof patch !== 'object' || patch === null) throw invalid('item', 'must be an object');
	const writes = new Map<string, unknown>();
	if (patch.title !== undefined) writes.set('title', requiredText(patch.title, 'title', LIMITS.title));
	if (patch.kind !== undefined) writes.set('kind', patch.kind === null ? null : oneOf(patch.kind, ITEM_KINDS, 'kind'));
	if (patch.plannedMinutes !== undefined) {
		const minutes = patch.plannedMinutes;
		if (minutes !== null && (!Number.isInteger(minutes) || minutes < 0 || minutes > 1440)) {
			throw invalid('plannedMinutes', 'must be an integer 0–1440 or null');
		}
		writes.set('plannedMinutes', minutes);
	}
	if (patch.role !== undefined) writes.set('role', patch.role === null ? null : oneOf(patch.role, TEMPLATE_ROLES, 'role'));
	return writes;
}

function validIndex(value: unknown): number | undefined {
	if (value === undefined) return undefined;
	if (!Number.isInteger(value) || (value as number) < 0) throw invalid('index', 'must be a non-negative integer');
	return value as number;
}

/** Initialises a group with its name and a template (the default one unless given). */
export function initGroup(doc: Y.Doc, input: InitGroupInput & { template?: readonly TemplateItemInput[]; roster?: readonly MemberInput[] }): void {
	const r = groupRoots(doc);
	if (r.group.has('schemaVersion')) throw new GroupError('ALREADY_INITIALISED', 'the group is already initialised');
	const name = requiredText(input.name, 'name', LIMITS.name);
	const createdAt = isoNow(input.now);
	const template = (input.template ?? DEFAULT_TEMPLATE).map(templateWrites);
	const roster = (input.roster ?? []).map(memberWrites);
	template.forEach((w, i) => {
		if (!w.has('title')) throw invalid(`template[${i}].title`, 'is required');
	});
	roster.forEach((w, i) => {
		if (!w.has('name')) throw invalid(`roster[${i}].name`, 'is required');
	});
	doc.transact(() => {
		r.group.set('schemaVersion', GROUP_SCHEMA_VERSION);
		r.group.set('createdAt', createdAt);
		r.group.set('name', name);
		const templateKeys = generateNKeysBetween(null, null, template.length);
		template.forEach((writes, i) =>
			r.template.set(newId(), newEntity(writes, { title: '', kind: null, plannedMinutes: null, role: null }, templateKeys[i], createdAt))
		);
		const rosterKeys = generateNKeysBetween(null, null, roster.length);
		roster.forEach((writes, i) =>
			r.roster.set(newId(), newEntity(writes, { name: '', organisation: null, role: 'member' }, rosterKeys[i], createdAt))
		);
	});
}

function newEntity(writes: Map<string, unknown>, defaults: Record<string, unknown>, order: string, createdAt: string): EntityMap {
	const map: EntityMap = new Y.Map();
	for (const [key, value] of Object.entries(defaults)) map.set(key, value);
	for (const [key, value] of writes) map.set(key, value);
	map.set('order', order);
	map.set('createdAt', createdAt);
	map.set('deletedAt', null);
	return map;
}

function liveEntity(collection: Y.Map<EntityMap>, id: string, what: string): EntityMap {
	const map = collection.get(id);
	if (!(map instanceof Y.Map) || typeof map.get('deletedAt') === 'string') throw notFound(what, id);
	return map;
}

export function renameGroup(doc: Y.Doc, name: string): void {
	const { group } = requireGroup(doc);
	const valid = requiredText(name, 'name', LIMITS.name);
	doc.transact(() => group.set('name', valid));
}

export function addMember(doc: Y.Doc, input: MemberInput, now?: Date | string): string {
	const { roster } = requireGroup(doc);
	const writes = memberWrites(input);
	if (!writes.has('name')) throw invalid('name', 'is required');
	const order = keyAt(liveSorted(roster), validIndex(input.index));
	const id = newId();
	const createdAt = isoNow(now);
	doc.transact(() => roster.set(id, newEntity(writes, { name: '', organisation: null, role: 'member' }, order, createdAt)));
	return id;
}

export function updateMember(doc: Y.Doc, id: string, patch: Partial<Omit<MemberInput, 'index'>>): void {
	const map = liveEntity(requireGroup(doc).roster, id, 'member');
	const writes = memberWrites(patch);
	doc.transact(() => {
		for (const [key, value] of writes) map.set(key, value);
	});
}

export function removeMember(doc: Y.Doc, id: string, now?: Date | string): void {
	const map = liveEntity(requireGroup(doc).roster, id, 'member');
	const at = isoNow(now);
	doc.transact(() => map.set('deletedAt', at));
}

export function addTemplateItem(doc: Y.Doc, input: TemplateItemInput, now?: Date | string): string {
	const { template } = requireGroup(doc);
	const writes = templateWrites(input);
	if (!writes.has('title')) throw invalid('title', 'is required');
	const order = keyAt(liveSorted(template), validIndex(input.index));
	const id = newId();
	const createdAt = isoNow(now);
	doc.transact(() =>
		template.set(id, newEntity(writes, { title: '', kind: null, plannedMinutes: null, role: null }, order, createdAt))
	);
	return id;
}

export function updateTemplateItem(doc: Y.Doc, id: string, patch: Partial<Omit<TemplateItemInput, 'index'>>): void {
	const map = liveEntity(requireGroup(doc).template, id, 'template item');
	const writes = templateWrites(patch);
	doc.transact(() => {
		for (const [key, value] of writes) map.set(key, value);
	});
}

/** Moves a template item to `index` among the others: one key rewritten, never delete + insert. */
export function moveTemplateItem(doc: Y.Doc, id: string, index: number): void {
	const { template } = requireGroup(doc);
	const map = liveEntity(template, id, 'template item');
	const others = liveSorted(template).filter((e) => e.id !== id);
	const order = keyAt(others, validIndex(index));
	doc.transact(() => map.set('order', order));
}

export function removeTemplateItem(doc: Y.Doc, id: string, now?: Date | string): void {
	const map = liveEntity(requireGroup(doc).template, id, 'template item');
	const at = isoNow(now);
	doc.transact(() => map.set('deletedAt', at));
}

/**
 * Records a meeting of the group (idempotent: keyed by meeting id, plain value). The
 * server's (group, sequence) record is the authority; clients copy it here so the
 * group's page knows its meetings offline.
 */
export function registerMeeting(doc: Y.Doc, ref: GroupMeetingRef): void {
	const { meetings } = requireGroup(doc);
	if (typeof ref.id !== 'string' || ref.id.length === 0) throw invalid('id', 'is required');
	if (!Number.isInteger(ref.sequence) || ref.sequence < 1) throw invalid('sequence', 'must be a positive integer');
	const value = {
		sequence: ref.sequence,
		title: requiredText(ref.title, 'title', LIMITS.title),
		date: ref.date ?? null,
		createdAt: ref.createdAt ?? null
	};
	const existing = meetings.get(ref.id) as Record<string, unknown> | undefined;
	if (existing && Object.entries(value).every(([k, v]) => existing[k] === v)) return;
	doc.transact(() => meetings.set(ref.id, value));
}

/** Closes a matter from the group's page (e.g. an assignment marked done in the list). */
export function closeInGroup(doc: Y.Doc, key: string, options: { note?: string | null; now?: Date | string } = {}): void {
	const { closures } = requireGroup(doc);
	if (typeof key !== 'string' || !/^(tabled|assignment):[^:]+:[^:]+$/.test(key)) throw invalid('key', 'is not an outstanding key');
	const note = optionalText(options.note, 'note', LIMITS.text) ?? null;
	const at = isoNow(options.now);
	doc.transact(() => closures.set(key, { at, note }));
}

/** Takes back a closure made on the group's page (closures made in a meeting stay there). */
export function reopenInGroup(doc: Y.Doc, key: string): void {
	const { closures } = requireGroup(doc);
	if (!closures.has(key)) return;
	doc.transact(() => closures.delete(key));
}

export function readGroup(doc: Y.Doc): GroupView {
	const r = groupRoots(doc);
	const roster = liveSorted(r.roster).map(({ id, map }) =>
		Object.freeze({
			id,
			name: readString(map, 'name') ?? '',
			organisation: readString(map, 'organisation'),
			role: (PARTICIPANT_ROLES as readonly string[]).includes(map.get('role') as string) ? (map.get('role') as ParticipantRole) : 'member'
		})
	);
	const template = liveSorted(r.template).map(({ id, map }) => {
		const minutes = map.get('plannedMinutes');
		const kind = map.get('kind');
		const role = map.get('role');
		return Object.freeze({
			id,
			title: readString(map, 'title') ?? '',
			kind: (ITEM_KINDS as readonly string[]).includes(kind as string) ? (kind as ItemKind) : null,
			plannedMinutes: typeof minutes === 'number' && Number.isInteger(minutes) ? minutes : null,
			role: (TEMPLATE_ROLES as readonly string[]).includes(role as string) ? (role as TemplateRole) : null
		});
	});
	const meetings: GroupMeetingRef[] = [];
	r.meetings.forEach((value, id) => {
		const v = value as Record<string, unknown> | null;
		if (!v || typeof v !== 'object' || typeof v.sequence !== 'number') return;
		meetings.push(
			Object.freeze({
				id,
				sequence: v.sequence,
				title: typeof v.title === 'string' ? v.title : '',
				date: typeof v.date === 'string' ? v.date : null,
				createdAt: typeof v.createdAt === 'string' ? v.createdAt : null
			})
		);
	});
	meetings.sort((a, b) => a.sequence - b.sequence || (a.id < b.id ? -1 : 1));
	const closures: GroupClosure[] = [];
	r.closures.forEach((value, key) => {
		const v = value as Record<string, unknown> | null;
		if (!v || typeof v !== 'object' || typeof v.at !== 'string') return;
		closures.push(Object.freeze({ key, at: v.at, note: typeof v.note === 'string' ? v.note : null }));
	});
	closures.sort((a, b) => (a.key < b.key ? -1 : 1));
	return Object.freeze({
		initialised: typeof r.group.get('schemaVersion') === 'number',
		name: readString(r.group, 'name') ?? '',
		createdAt: readString(r.group, 'createdAt'),
		roster: Object.freeze(roster),
		template: Object.freeze(template),
		meetings: Object.freeze(meetings),
		closures: Object.freeze(closures)
	});
}
