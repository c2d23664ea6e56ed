/**
 * One person in one stored document: what a meeting document or a group document holds
 * about them (found by name or e-mail), and erasing it. Works on the document layout of
 * docs/meeting-schema.md and docs/groups.md directly, because erasure must reach places
 * the domain operations never rewrite (names inside references, recipients' keys, free text).
 *
 * Erasure writes ordinary Yjs changes: the participant or roster entry keeps its id (so
 * references still resolve, to "Borttagen person") and gets a tombstone; references by
 * name, recipient entries and mentions in free text are replaced. The caller stores the
 * change and compacts, which drops the old values from the stored bytes.
 */
import * as Y from 'yjs';
import type { Finding, PersonQuery } from '../../src/lib/protocol/api.ts';

export const ERASED_NAME = 'Borttagen person';
export const ERASED_MENTION = '[namn borttaget]';


export interface DocFindings {
	/** Participant (meeting) or roster (group) entry ids that are the person. */
	entryIds: string[];
	findings: Finding[];
}

const fold = (text: string) => text.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('sv');

function mentionPattern(name: string): RegExp {
	const escaped = name.trim().replace(/\s+/g, ' ').replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+');
	// Whole words only: "Bo" must not match inside "Borås".
	return new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'giu');
}

function isPerson(entry: Y.Map<unknown>, query: PersonQuery): boolean {
	const name = entry.get('name');
	const email = entry.get('email');
	return (
		(query.name !== null && typeof name === 'string' && fold(name) === fold(query.name)) ||
		(query.email !== null && typeof email === 'string' && fold(email) === fold(query.email))
	);
}

/** A PersonRef (`{ participantId }` or `{ name }`) that points at the person. */
function refersTo(ref: unknown, query: PersonQuery, ids: ReadonlySet<string>): boolean {
	if (typeof ref !== 'object' || ref === null) return false;
	const { participantId, name } = ref as { participantId?: unknown; name?: unknown };
	if (typeof participantId === 'string' && ids.has(participantId)) return true;
	return query.name !== null && typeof name === 'string' && fold(name) === fold(query.name);
}

function entries(map: Y.Map<unknown>): [string, Y.Map<unknown>][] {
	return [...map.entries()].filter((entry): entry is [string, Y.Map<unknown>] => entry[1] instanceof Y.Map);
}

function plainFields(entry: Y.Map<unknown>): Record<string, unknown> {
	return Object.fromEntries([...entry.entries()].filter(([, value]) => !(value instanceof Y.AbstractType)));
}

/** Every free-text place of a meeting: item notes, decision wordings, assignment and parking-lot texts. */
function texts(doc: Y.Doc): { path: string; read(): string; replace(pattern: RegExp): number }[] {
	const found: { path: string; read(): string; replace(pattern: RegExp): number }[] = [];
	const yText = (path: string, text: Y.Text) =>
		found.push({
			path,
			read: () => text.toString(),
			replace(pattern) {
				const matches = [...text.toString().matchAll(pattern)];
				// From the end, so earlier indexes stay valid.
				for (const match of matches.reverse()) {
					text.delete(match.index, match[0].length);
					text.insert(match.index, ERASED_MENTION);
				}
				return matches.length;
			}
		});
	const plain = (path: string, map: Y.Map<unknown>, key: string) =>
		found.push({
			path: `${path}/${key}`,
			read: () => (typeof map.get(key) === 'string' ? (map.get(key) as string) : ''),
			replace(pattern) {
				const value = map.get(key);
				if (typeof value !== 'string') return 0;
				const count = [...value.matchAll(pattern)].length;
				if (count > 0) map.set(key, value.replace(pattern, ERASED_MENTION));
				return count;
			}
		});
	for (const [itemId, item] of entries(doc.getMap('items'))) {
		const notes = item.get('notes');
		if (notes instanceof Y.Text) yText(`items/${itemId}/notes`, notes);
		const decisions = item.get('decisions');
		if (decisions instanceof Y.Map) {
			for (const [id, decision] of entries(decisions)) {
				const text = decision.get('text');
				if (text instanceof Y.Text) yText(`items/${itemId}/decisions/${id}/text`, text);
				plain(`items/${itemId}/decisions/${id}`, decision, 'note');
			}
		}
		const assignments = item.get('assignments');
		if (assignments instanceof Y.Map) for (const [id, assignment] of entries(assignments)) plain(`items/${itemId}/assignments/${id}`, assignment, 'text');
	}
	for (const [id, entry] of entries(doc.getMap('parkingLot'))) {
		plain(`parkingLot/${id}`, entry, 'text');
		plain(`parkingLot/${id}`, entry, 'reason');
	}
	return found;
}

/** Every place of a meeting that refers to a person: [path, read, replace-with-erased]. */
function references(doc: Y.Doc, query: PersonQuery, ids: ReadonlySet<string>): { path: string; value: unknown; erase(): void }[] {
	const found: { path: string; value: unknown; erase(): void }[] = [];
	const erasedRef = { name: ERASED_NAME };
	for (const [itemId, item] of entries(doc.getMap('items'))) {
		for (const key of ['presenters', 'guests']) {
			const list = item.get(key);
			if (!Array.isArray(list)) continue;
			for (const ref of list.filter((r) => refersTo(r, query, ids))) {
				found.push({
					path: `items/${itemId}/${key}`,
					value: ref,
					erase: () => item.set(key, (item.get(key) as unknown[]).map((r) => (refersTo(r, query, ids) && 'name' in (r as object) ? erasedRef : r)))
				});
			}
		}
		const assignments = item.get('assignments');
		if (assignments instanceof Y.Map) {
			for (const [id, assignment] of entries(assignments)) {
				const owner = assignment.get('owner');
				if (refersTo(owner, query, ids)) {
					found.push({
						path: `items/${itemId}/assignments/${id}/owner`,
						value: { owner, text: assignment.get('text'), dueDate: assignment.get('dueDate'), status: assignment.get('status') },
						erase: () => {
							if ('name' in (owner as object)) assignment.set('owner', erasedRef);
						}
					});
				}
			}
		}
		const decisions = item.get('decisions');
		if (decisions instanceof Y.Map) {
			for (const [decisionId, decision] of entries(decisions)) {
				for (const kind of ['reservations', 'conflicts']) {
					const map = decision.get(kind);
					if (!(map instanceof Y.Map)) continue;
					for (const [id, value] of map.entries()) {
						const who = (value as { who?: unknown } | null)?.who;
						if (!refersTo(who, query, ids)) continue;
						found.push({
							path: `items/${itemId}/decisions/${decisionId}/${kind}/${id}`,
							value,
							erase: () => {
								if ('name' in (who as object)) map.set(id, { ...(value as object), who: erasedRef });
							}
						});
					}
				}
			}
		}
		const recipients = item.get('extractRecipients');
		if (recipients instanceof Y.Map && query.name !== null) {
			const key = fold(query.name);
			for (const [name, value] of recipients.entries()) {
				if (fold(name) !== key) continue;
				found.push({
					path: `items/${itemId}/extractRecipients/${name}`,
					value,
					// The key is the name itself: a tombstoned key keeps its name in the stored
					// document, so the map is replaced by one without it.
					erase: () => {
						const kept = new Y.Map<unknown>();
						for (const [other, entry] of recipients.entries()) if (fold(other) !== key) kept.set(other, entry);
						item.set('extractRecipients', kept);
					}
				});
			}
		}
	}
	return found;
}

/** The formal roots whose entries are keyed `<scopeId>:<participantId>` or name a `participantId`: the person's hands, queue places, speeches, jäv, ballots, "has voted". */
const KEYED_ROOTS = ['hands', 'speakerQueue', 'itemConflicts', 'ballots', 'secretVoted'] as const;

/**
 * What the formal roots hold about the person (export only: the entries name them by participant
 * id, which resolves to "Borttagen person" once their entry is anonymised), and propositions
 * moved by them by name (erased) — in the meeting document, or in the confidential part.
 */
function formalReferences(doc: Y.Doc, query: PersonQuery, ids: ReadonlySet<string>): { path: string; value: unknown; erase: (() => void) | null }[] {
	const found: { path: string; value: unknown; erase: (() => void) | null }[] = [];
	for (const root of KEYED_ROOTS) {
		doc.getMap(root).forEach((value, key) => {
			const participantId = key.slice(key.indexOf(':') + 1);
			if (key.includes(':') && ids.has(participantId)) found.push({ path: `${root}/${key}`, value, erase: null });
		});
	}
	doc.getMap('speeches').forEach((value, key) => {
		if (ids.has((value as { participantId?: unknown } | null)?.participantId as string)) found.push({ path: `speeches/${key}`, value, erase: null });
	});
	const propositions = doc.getMap('propositions');
	propositions.forEach((value, key) => {
		const mover = (value as { mover?: unknown } | null)?.mover;
		if (!refersTo(mover, query, ids)) return;
		found.push({
			path: `propositions/${key}/mover`,
			value,
			erase: () => {
				if ('name' in (mover as object)) propositions.set(key, { ...(value as object), mover: { name: ERASED_NAME } });
			}
		});
	});
	return found;
}

/** Proposition texts (plain values) of a document, as free-text places. */
function propositionTexts(doc: Y.Doc): { path: string; read(): string; replace(pattern: RegExp): number }[] {
	const propositions = doc.getMap('propositions');
	return [...propositions.keys()].map((key) => ({
		path: `propositions/${key}/text`,
		read: () => {
			const text = (propositions.get(key) as { text?: unknown } | null)?.text;
			return typeof text === 'string' ? text : '';
		},
		replace(pattern: RegExp) {
			const value = propositions.get(key) as { text?: unknown } | null;
			if (typeof value?.text !== 'string') return 0;
			const count = [...value.text.matchAll(pattern)].length;
			if (count > 0) propositions.set(key, { ...value, text: value.text.replace(pattern, ERASED_MENTION) });
			return count;
		}
	}));
}

function excerpt(text: string, index: number, length: number): string {
	return text.slice(Math.max(0, index - 60), index + length + 60).replace(/\s+/g, ' ').trim();
}

/** Paths of findings in the meeting's confidential part start with this. */
export const CONFIDENTIAL_PREFIX = 'confidential/';

/** The places of one document (the meeting document, or its confidential part: `prefix`) that name the person. */
function findIn(doc: Y.Doc, query: PersonQuery, ids: ReadonlySet<string>, prefix: string): Finding[] {
	const findings: Finding[] = [];
	for (const { path, value } of [...references(doc, query, ids), ...formalReferences(doc, query, ids)]) findings.push({ path: prefix + path, value });
	if (query.name !== null) {
		for (const text of [...texts(doc), ...propositionTexts(doc)]) {
			const content = text.read();
			for (const match of content.matchAll(mentionPattern(query.name))) findings.push({ path: prefix + text.path, value: excerpt(content, match.index, match[0].length) });
		}
	}
	return findings;
}

/**
 * What the meeting document holds about the person, and its confidential part when given (a
 * confidential item's notes, decisions, assignments, speaker list, jäv, propositions and votes:
 * paths under `confidential/`).
 */
export function findInMeeting(doc: Y.Doc, query: PersonQuery, part?: Y.Doc): DocFindings {
	const participants = entries(doc.getMap('participants')).filter(([, entry]) => isPerson(entry, query));
	const ids = new Set(participants.map(([id]) => id));
	const findings: Finding[] = participants.map(([id, entry]) => ({ path: `participants/${id}`, value: plainFields(entry) }));
	findings.push(...findIn(doc, query, ids, ''));
	if (part) findings.push(...findIn(part, query, ids, CONFIDENTIAL_PREFIX));
	return { entryIds: [...ids], findings };
}

function eraseIn(doc: Y.Doc, query: PersonQuery, ids: ReadonlySet<string>): number {
	let changed = 0;
	for (const found of [...references(doc, query, ids), ...formalReferences(doc, query, ids)]) {
		if (!found.erase) continue;
		found.erase();
		changed++;
	}
	if (query.name !== null) for (const text of [...texts(doc), ...propositionTexts(doc)]) changed += text.replace(mentionPattern(query.name));
	return changed;
}

/**
 * Erases the person from the meeting document in one transaction, and from its confidential
 * part (when given) in one transaction of its own; returns how many places changed.
 */
export function eraseFromMeeting(doc: Y.Doc, query: PersonQuery, now: string, part?: Y.Doc): number {
	let changed = 0;
	const participants = entries(doc.getMap('participants')).filter(([, entry]) => isPerson(entry, query));
	const ids = new Set(participants.map(([id]) => id));
	if (part) part.transact(() => (changed += eraseIn(part, query, ids)));
	doc.transact(() => {
		changed += eraseIn(doc, query, ids);
		for (const [, entry] of participants) {
			anonymise(entry, now);
			changed++;
		}
	});
	return changed;
}

function anonymise(entry: Y.Map<unknown>, now: string): void {
	entry.set('name', ERASED_NAME);
	for (const key of ['organisation', 'title']) if (entry.has(key)) entry.set(key, null);
	if (entry.has('email')) entry.delete('email');
	if (!entry.get('deletedAt')) entry.set('deletedAt', now);
}

/** What a group document holds about the person: their roster entries. */
export function findInGroup(doc: Y.Doc, query: PersonQuery): DocFindings {
	const roster = entries(doc.getMap('roster')).filter(([, entry]) => isPerson(entry, query));
	return { entryIds: roster.map(([id]) => id), findings: roster.map(([id, entry]) => ({ path: `roster/${id}`, value: plainFields(entry) })) };
}

export function eraseFromGroup(doc: Y.Doc, query: PersonQuery, now: string): number {
	const roster = entries(doc.getMap('roster')).filter(([, entry]) => isPerson(entry, query));
	doc.transact(() => {
		for (const [, entry] of roster) anonymise(entry, now);
	});
	return roster.length;
}

/** True for a group document (it has the `group` root initialised), false for a meeting. */
export function isGroupDoc(doc: Y.Doc): boolean {
	return typeof doc.getMap('group').get('schemaVersion') === 'number';
}
