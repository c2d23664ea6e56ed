/**
 * Handlingar: files uploaded to an agenda item (tjänsteutlåtanden, budget tables, reports).
 * The document holds what describes each file (name, SHA-256 of its bytes, size, type,
 * order, and which newer version replaced it); the bytes are on the server, addressed by
 * their hash, and on each device that keeps the meeting. Never the bytes themselves.
 *
 * One flat root `attachments` keyed by attachment id, each entry naming its item: a nested
 * map created lazily in an older item by two replicas at once would keep only one of them.
 * Entries are replaced as a whole; a replaced version stays listed, marked by `replacedBy`.
 *
 * A confidential item's entries (even the files' names) live in the confidential part, in a
 * root of the same name (`itemDocOf`): a device without the part lists no files for it.
 */
import * as Y from 'yjs';
import { invalid, invalidState, notFound } from './errors.js';
import { getLiveEntity, requireWritable } from './doc.js';
import { itemDocOf, itemDocsOf } from './confidential.js';
import { newId } from './ids.js';
import { appendKey, compareOrdered, placeAt } from './order.js';
import { isRemovedEffectively } from './structure.js';
import type { AttachmentView, TimeInput } from './types.js';
import { LIMITS, requiredText, timestamp } from './validate.js';

import { MAX_ATTACHMENT_BYTES, MEDIA_TYPE, SHA256_HEX } from './attachment-format.js';
export { MAX_ATTACHMENT_BYTES, MEDIA_TYPE, SHA256_HEX };

/** The stored entry (plain, replaced as a whole). */
interface AttachmentRecord {
	itemId: string;
	name: string;
	sha256: string;
	size: number;
	type: string;
	order: string;
	uploadedAt: string;
	replacedBy: string | null;
	deletedAt: string | null;
}

export interface AttachmentInput {
	readonly name: string;
	readonly sha256: string;
	readonly size: number;
	readonly type: string;
	readonly now?: TimeInput;
}

export function attachmentsRoot(doc: Y.Doc): Y.Map<unknown> {
	return doc.getMap('attachments');
}

function record(value: unknown): AttachmentRecord | null {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
	const r = value as Record<string, unknown>;
	if (typeof r.itemId !== 'string' || typeof r.name !== 'string' || typeof r.sha256 !== 'string' || !SHA256_HEX.test(r.sha256)) return null;
	if (typeof r.size !== 'number' || typeof r.type !== 'string' || typeof r.order !== 'string') return null;
	return {
		itemId: r.itemId,
		name: r.name,
		sha256: r.sha256,
		size: r.size,
		type: r.type,
		order: r.order,
		uploadedAt: typeof r.uploadedAt === 'string' ? r.uploadedAt : '',
		replacedBy: typeof r.replacedBy === 'string' ? r.replacedBy : null,
		deletedAt: typeof r.deletedAt === 'string' ? r.deletedAt : null
	};
}

function checked(input: AttachmentInput): Omit<AttachmentRecord, 'itemId' | 'order' | 'replacedBy' | 'deletedAt'> {
	if (typeof input !== 'object' || input === null) throw invalid('attachment', 'must be an object');
	const name = requiredText(input.name, 'name', LIMITS.title);
	if (typeof input.sha256 !== 'string' || !SHA256_HEX.test(input.sha256)) throw invalid('sha256', 'must be 64 lower-case hex digits');
	if (!Number.isSafeInteger(input.size) || input.size < 0 || input.size > MAX_ATTACHMENT_BYTES) throw invalid('size', 'must be a byte count');
	if (typeof input.type !== 'string' || !MEDIA_TYPE.test(input.type)) throw invalid('type', 'must be a media type');
	return { name, sha256: input.sha256, size: input.size, type: input.type, uploadedAt: timestamp(input.now) };
}

function requireItem(doc: Y.Doc, itemId: string): void {
	const { items } = requireWritable(doc);
	getLiveEntity(items, itemId, 'item');
	if (isRemovedEffectively(items, itemId)) throw invalidState(`item ${itemId} is removed`);
}

function entries(doc: Y.Doc): { id: string; record: AttachmentRecord }[] {
	const found: { id: string; record: AttachmentRecord }[] = [];
	attachmentsRoot(doc).forEach((value, id) => {
		const r = record(value);
		if (r) found.push({ id, record: r });
	});
	return found;
}

function current(doc: Y.Doc, itemId: string): { id: string; order: string }[] {
	return entries(doc)
		.filter(({ record: r }) => r.itemId === itemId && r.replacedBy === null && r.deletedAt === null)
		.map(({ id, record: r }) => ({ id, order: r.order }))
		.sort(compareOrdered);
}

/** The document that holds an item's entries; an error on a device without it (confidential). */
function listDoc(doc: Y.Doc, itemId: string): Y.Doc {
	const at = itemDocOf(doc, itemId);
	if (!at) throw invalidState(`item ${itemId} is confidential and its files are not available on this device`);
	return at;
}

/** The entry and the document it is listed in (the meeting document or the confidential part, where its item's entries are). */
function existingAt(doc: Y.Doc, attachmentId: string): { record: AttachmentRecord; at: Y.Doc } {
	for (const at of typeof attachmentId === 'string' ? itemDocsOf(doc) : []) {
		const r = record(attachmentsRoot(at).get(attachmentId));
		if (r && r.deletedAt === null && itemDocOf(doc, r.itemId) === at) return { record: r, at };
	}
	throw notFound('attachment', String(attachmentId));
}

/** Lists an uploaded file under an item, after its other files; returns the attachment's id. */
export function addAttachment(doc: Y.Doc, itemId: string, input: AttachmentInput): string {
	requireItem(doc, itemId);
	const fields = checked(input);
	const id = newId();
	const at = listDoc(doc, itemId);
	const order = appendKey(current(at, itemId).map((a) => a.order));
	at.transact(() => attachmentsRoot(at).set(id, { itemId, ...fields, order, replacedBy: null, deletedAt: null } satisfies AttachmentRecord));
	return id;
}

/** A new version of a file: it takes the old one's place, and the old one stays listed as replaced. */
export function replaceAttachment(doc: Y.Doc, attachmentId: string, input: AttachmentInput): string {
	const { record: old, at } = existingAt(doc, attachmentId);
	if (old.replacedBy !== null) throw invalidState(`attachment ${attachmentId} was already replaced`);
	requireItem(doc, old.itemId);
	const fields = checked(input);
	const id = newId();
	at.transact(() => {
		const root = attachmentsRoot(at);
		root.set(id, { itemId: old.itemId, ...fields, order: old.order, replacedBy: null, deletedAt: null } satisfies AttachmentRecord);
		root.set(attachmentId, { ...old, replacedBy: id });
	});
	return id;
}

export function renameAttachment(doc: Y.Doc, attachmentId: string, name: string): void {
	requireWritable(doc);
	const { record: old, at } = existingAt(doc, attachmentId);
	const clean = requiredText(name, 'name', LIMITS.title);
	at.transact(() => attachmentsRoot(at).set(attachmentId, { ...old, name: clean }));
}

/** Moves a current file to `index` among its item's current files. */
export function moveAttachment(doc: Y.Doc, attachmentId: string, index: number): void {
	requireWritable(doc);
	const { record: old, at } = existingAt(doc, attachmentId);
	if (old.replacedBy !== null) throw invalidState(`attachment ${attachmentId} was replaced`);
	if (!Number.isInteger(index) || index < 0) throw invalid('index', 'must be a non-negative integer');
	const siblings = current(at, old.itemId).filter((a) => a.id !== attachmentId);
	const { key, rekeyed } = placeAt(siblings, index);
	at.transact(() => {
		const root = attachmentsRoot(at);
		for (const [id, order] of rekeyed) {
			const r = record(root.get(id));
			if (r) root.set(id, { ...r, order });
		}
		root.set(attachmentId, { ...old, order: key });
	});
}

/** Takes a file (and its earlier versions) off the item's list; the entries stay as tombstones. */
export function removeAttachment(doc: Y.Doc, attachmentId: string, now?: TimeInput): void {
	requireWritable(doc);
	const held = existingAt(doc, attachmentId).at;
	const at = timestamp(now);
	held.transact(() => {
		const root = attachmentsRoot(held);
		const versions = entries(held);
		const doomed = new Set([attachmentId]);
		// Earlier versions point (through replacedBy) at the one removed.
		for (let grew = true; grew; ) {
			grew = false;
			for (const { id, record: r } of versions) {
				if (!doomed.has(id) && r.replacedBy !== null && doomed.has(r.replacedBy)) {
					doomed.add(id);
					grew = true;
				}
			}
		}
		for (const { id, record: r } of versions) if (doomed.has(id) && r.deletedAt === null) root.set(id, { ...r, deletedAt: at });
	});
}

/**
 * An item's files: current versions in their order, each followed by the versions it
 * replaced (newest first). Off-schema entries are left out.
 */
export function readAttachments(doc: Y.Doc, itemId: string, options: { mainDocumentOnly?: boolean } = {}): AttachmentView[] {
	// `mainDocumentOnly`: as the server holds the meeting document (the canonical export). Otherwise both
	// documents, the item's own first: an entry not moved yet (an item marked by an older version) still reads.
	const home = itemDocOf(doc, itemId);
	const docs = options.mainDocumentOnly ? [doc] : itemDocsOf(doc).sort((a, b) => (a === home ? -1 : b === home ? 1 : 0));
	return readAttachmentsIn(docs, itemId);
}

function readAttachmentsIn(docs: readonly Y.Doc[], itemId: string): AttachmentView[] {
	const byId = new Map<string, { id: string; record: AttachmentRecord }>();
	for (const doc of docs) for (const entry of entries(doc)) if (!byId.has(entry.id)) byId.set(entry.id, entry);
	const all = [...byId.values()].filter(({ record: r }) => r.itemId === itemId && r.deletedAt === null);
	const byReplacement = new Map<string, { id: string; record: AttachmentRecord }>();
	for (const entry of all) if (entry.record.replacedBy !== null) byReplacement.set(entry.record.replacedBy, entry);
	const view = (id: string, r: AttachmentRecord): AttachmentView => ({
		id,
		itemId: r.itemId,
		name: r.name,
		sha256: r.sha256,
		size: r.size,
		type: r.type,
		order: r.order,
		uploadedAt: r.uploadedAt,
		replacedBy: r.replacedBy
	});
	const result: AttachmentView[] = [];
	for (const { id, record: r } of all.filter((e) => e.record.replacedBy === null).sort((a, b) => compareOrdered({ id: a.id, order: a.record.order }, { id: b.id, order: b.record.order }))) {
		result.push(view(id, r));
		const seen = new Set([id]);
		for (let older = byReplacement.get(id); older && !seen.has(older.id); older = byReplacement.get(older.id)) {
			seen.add(older.id);
			result.push(view(older.id, older.record));
		}
	}
	return result;
}

/** Every file listed in the meeting (current and replaced, not removed), for the device's copy and the server's access check. */
export function readAllAttachments(doc: Y.Doc): AttachmentView[] {
	const itemIds = new Set(itemDocsOf(doc).flatMap((at) => entries(at).map((e) => e.record.itemId)));
	return [...itemIds].flatMap((itemId) => readAttachments(doc, itemId));
}

/** One attachment as listed (not removed), or null. */
export function findAttachment(doc: Y.Doc, attachmentId: string): AttachmentView | null {
	// Where its item's entries are, else wherever it is listed (an item marked by an older version, not adopted yet).
	const found = itemDocsOf(doc).flatMap((at) => {
		const r = record(attachmentsRoot(at).get(attachmentId));
		return r && r.deletedAt === null ? [{ r, home: itemDocOf(doc, r.itemId) === at }] : [];
	});
	const r = (found.find((f) => f.home) ?? found[0])?.r;
	if (!r || r.deletedAt !== null) return null;
	return { id: attachmentId, itemId: r.itemId, name: r.name, sha256: r.sha256, size: r.size, type: r.type, order: r.order, uploadedAt: r.uploadedAt, replacedBy: r.replacedBy };
}

/**
 * Which bytes every entry names and whether it is removed, off-schema entries left out:
 * what the server goes by when it lets go of the bytes of removed files (server/files). Of
 * one document as given — the meeting document or the confidential part: an entry moving
 * between them may be in both for a moment (or in neither), and the server counts it once
 * (server/files/listings.ts).
 */
export function attachmentBytes(doc: Y.Doc): { id: string; sha256: string; removed: boolean }[] {
	return entries(doc).map(({ id, record: r }) => ({ id, sha256: r.sha256, removed: r.deletedAt !== null }));
}
