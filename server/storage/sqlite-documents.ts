/**
 * The meetings and docs parts on SQLite: meeting records, the document log (a snapshot
 * plus appended updates) and the owners of Yjs client ids (tables: migrations 1 and 5).
 * Same semantics as postgres-documents.ts, checked by tests/integration/storage-contract.ts.
 */
import { foldUpdates, FrozenOrDeletedError, MEETING_TABLES, type DocumentTables } from './document-log.ts';
import type { SqliteConnection } from './sqlite-connection.ts';
import type { AppendEntry, DocumentStore, MeetingRecord, MeetingStore } from './types.ts';

interface MeetingRow {
	id: string;
	title: string;
	created_at: string;
	epoch: number;
	frozen_at: string | null;
	deleted_at: string | null;
}

function toMeeting(row: MeetingRow): MeetingRecord {
	return {
		id: row.id,
		title: row.title,
		createdAt: row.created_at,
		epoch: row.epoch,
		frozenAt: row.frozen_at,
		deletedAt: row.deleted_at
	};
}

/** better-sqlite3 returns Buffers; callers get plain Uint8Arrays over the same bytes. */
export function bytes(buffer: Buffer): Uint8Array {
	return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

export function sqliteMeetings(conn: SqliteConnection): MeetingStore {
	return {
		async createMeeting(meeting) {
			const createdAt = new Date().toISOString();
			conn.prepare('INSERT INTO meetings (id, title, created_at) VALUES (?, ?, ?)').run(meeting.id, meeting.title, createdAt);
			return { id: meeting.id, title: meeting.title, createdAt, epoch: 1, frozenAt: null, deletedAt: null };
		},

		async getMeeting(id) {
			const row = conn.prepare('SELECT * FROM meetings WHERE id = ?').get(id) as MeetingRow | undefined;
			return row ? toMeeting(row) : null;
		},

		async deleteMeeting(id) {
			const db = conn.db;
			return db
				.transaction(() => {
					const marked = db
						.prepare('UPDATE meetings SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL AND frozen_at IS NULL')
						.run(new Date().toISOString(), id);
					if (marked.changes === 0) return false;
					db.prepare('DELETE FROM updates WHERE meeting_id = ?').run(id);
					db.prepare('DELETE FROM snapshots WHERE meeting_id = ?').run(id);
					db.prepare('DELETE FROM client_owners WHERE meeting_id = ?').run(id);
					db.prepare('DELETE FROM confidential_updates WHERE meeting_id = ?').run(id);
					db.prepare('DELETE FROM confidential_snapshots WHERE meeting_id = ?').run(id);
					return true;
				})
				.immediate();
		},

		async countMeetings() {
			return (conn.prepare('SELECT count(*) AS n FROM meetings WHERE deleted_at IS NULL').get() as { n: number }).n;
		},

		async listMeetingRecords() {
			const rows = conn.prepare('SELECT * FROM meetings WHERE deleted_at IS NULL ORDER BY created_at, id').all() as MeetingRow[];
			return rows.map(toMeeting);
		}
	};
}

export function sqliteDocuments(conn: SqliteConnection, tables: DocumentTables = MEETING_TABLES): DocumentStore {
	const { snapshots, updates } = tables;
	/** A turn's appends in one transaction (`storage/batched-appends.ts`); built once, not per turn. */
	let appendAllFn: ((entries: readonly AppendEntry[]) => (Error | null)[]) | null = null;
	let appendDb: unknown = null;
	function appendAll(entries: readonly AppendEntry[]): (Error | null)[] {
		// Built again if the connection was closed and opened again (a new database handle).
		if (!appendAllFn || appendDb !== conn.db) {
			appendDb = conn.db;
			const insert = conn.prepare(
				`INSERT INTO ${updates} (meeting_id, data)
				 SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM meetings WHERE id = ? AND (frozen_at IS NOT NULL OR deleted_at IS NOT NULL))`
			);
			// The update's bytes are bound as they are (a Buffer over the same memory): SQLite copies them.
			appendAllFn = conn.db.transaction((batch: readonly AppendEntry[]) =>
				batch.map(({ meetingId, update }) =>
					insert.run(meetingId, Buffer.from(update.buffer, update.byteOffset, update.byteLength), meetingId).changes === 0 ? new FrozenOrDeletedError(meetingId) : null
				)
			);
		}
		return appendAllFn(entries);
	}
	function readSnapshot(meetingId: string): Uint8Array | null {
		const row = conn.prepare(`SELECT data FROM ${snapshots} WHERE meeting_id = ?`).get(meetingId) as { data: Buffer } | undefined;
		return row ? bytes(row.data) : null;
	}

	return {
		async loadUpdates(meetingId) {
			// One read transaction: a compaction by another connection cannot slip in between the two reads.
			return conn.db.transaction(() => {
				const snapshot = readSnapshot(meetingId);
				const log = conn.prepare(`SELECT data FROM ${updates} WHERE meeting_id = ? ORDER BY seq`).all(meetingId) as { data: Buffer }[];
				return [...(snapshot ? [snapshot] : []), ...log.map((row) => bytes(row.data))];
			})();
		},

		async appendUpdate(meetingId, update) {
			const inserted = conn
				.prepare(
					`INSERT INTO ${updates} (meeting_id, data)
					 SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM meetings WHERE id = ? AND (frozen_at IS NOT NULL OR deleted_at IS NOT NULL))`
				)
				.run(meetingId, Buffer.from(update), meetingId);
			if (inserted.changes === 0) throw new FrozenOrDeletedError(meetingId);
		},

		async appendUpdates(entries) {
			return appendAll(entries);
		},

		async countUpdates(meetingId) {
			return (conn.prepare(`SELECT count(*) AS n FROM ${updates} WHERE meeting_id = ?`).get(meetingId) as { n: number }).n;
		},

		async compact(meetingId) {
			// IMMEDIATE takes the write lock at the start, so two compactions (or a compaction
			// and appends from another process) serialise instead of interleaving.
			conn.db
				.transaction(() => {
					const log = conn.prepare(`SELECT seq, data FROM ${updates} WHERE meeting_id = ? ORDER BY seq`).all(meetingId) as {
						seq: number;
						data: Buffer;
					}[];
					if (log.length === 0) return;
					const merged = foldUpdates(readSnapshot(meetingId), log.map((row) => bytes(row.data)));
					conn.prepare(
						`INSERT INTO ${snapshots} (meeting_id, data, updated_at) VALUES (?, ?, ?)
						 ON CONFLICT(meeting_id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`
					).run(meetingId, Buffer.from(merged), new Date().toISOString());
					conn.prepare(`DELETE FROM ${updates} WHERE meeting_id = ? AND seq <= ?`).run(meetingId, log[log.length - 1].seq);
				})
				.immediate();
		},

		async loadClientOwners(meetingId) {
			const rows = conn.prepare('SELECT client_id, principal FROM client_owners WHERE meeting_id = ?').all(meetingId) as {
				client_id: number;
				principal: string;
			}[];
			return new Map(rows.map((row) => [row.client_id, row.principal]));
		},

		async claimClients(meetingId, clients, principal) {
			const claim = conn.prepare('INSERT OR IGNORE INTO client_owners (meeting_id, client_id, principal, claimed_at) VALUES (?, ?, ?, ?)');
			const owner = conn.prepare('SELECT principal FROM client_owners WHERE meeting_id = ? AND client_id = ?');
			const at = new Date().toISOString();
			return conn.db
				.transaction(() => {
					const owners = new Map<number, string>();
					for (const client of clients) {
						claim.run(meetingId, client, principal, at);
						owners.set(client, (owner.get(meetingId, client) as { principal: string }).principal);
					}
					return owners;
				})
				.immediate();
		}
	};
}
