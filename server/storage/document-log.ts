/**
 * What both engines do the same way with a meeting's stored document: fold a snapshot
 * and the log after it into one snapshot (compaction), and refuse appends to a frozen or
 * deleted meeting with the same error. Each engine keeps only its SQL and its locking.
 * Also the one way the server turns stored updates into a Y.Doc (`loadDocument`).
 */
import * as Y from 'yjs';
import { applyUpdates, docFromUpdates } from '../../src/lib/protocol/updates.ts';
import type { DocumentStore } from './types.ts';

/** Where a document log lives: the meeting document's tables, or its confidential part's (migration 11). */
export interface DocumentTables {
	readonly snapshots: string;
	readonly updates: string;
	/** Prefix of the PostgreSQL advisory lock that serialises compactions of one meeting's log. */
	readonly lock: string;
}

export const MEETING_TABLES: DocumentTables = { snapshots: 'snapshots', updates: 'updates', lock: 'motesrum:compact:' };
export const CONFIDENTIAL_TABLES: DocumentTables = {
	snapshots: 'confidential_snapshots',
	updates: 'confidential_updates',
	lock: 'motesrum:compact-confidential:'
};

/**
 * One update holding the snapshot and every log entry, built by applying them into a
 * Y.Doc in one transaction (never Y.mergeUpdates, which is quadratic on long logs). Log
 * order keeps pending structs short-lived; Yjs reaches the same state in any order.
 */
export function foldUpdates(snapshot: Uint8Array | null, log: readonly Uint8Array[]): Uint8Array {
	const doc = new Y.Doc();
	try {
		applyUpdates(doc, snapshot ? [snapshot, ...log] : log);
		return Y.encodeStateAsUpdate(doc);
	} finally {
		doc.destroy();
	}
}

/** A meeting's stored document as a fresh Y.Doc (the caller destroys it). */
export async function loadDocument(docs: DocumentStore, meetingId: string): Promise<Y.Doc> {
	return docFromUpdates(await docs.loadUpdates(meetingId));
}

/** The append was refused: approved minutes are a public record, and a deleted meeting must not come back. */
export class FrozenOrDeletedError extends Error {
	constructor(meetingId: string) {
		super(`meeting ${meetingId} is frozen or deleted: update not stored`);
		this.name = 'FrozenOrDeletedError';
	}
}
