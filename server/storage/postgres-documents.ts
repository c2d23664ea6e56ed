/**
 * The meetings and docs parts on PostgreSQL: meeting records, the document log and the
 * owners of Yjs client ids (tables: migrations 1 and 5). Same semantics as
 * sqlite-documents.ts, checked by tests/integration/storage-contract.ts.
 *
 * - `appendUpdate` resolves after the INSERT committed (synchronous_commit as the server
 *   is configured, `on` by default), so an acknowledged update survives a crash of this
 *   process or of PostgreSQL. It refuses updates to a frozen or deleted meeting,
 *   whichever instance approved or deleted it; the room then drops, and its clients
 *   reconnect read-only or are refused (the upgrade reads `frozenAt` and `deletedAt`).
 * - `loadUpdates` reads the snapshot and the log in one statement, so one MVCC snapshot:
 *   a compaction committing in between cannot hide rows from it.
 * - `compact` takes a transaction-level advisory lock keyed on the meeting (two instances
 *   compacting the same meeting run one after the other), and removes the log with
 *   `DELETE … RETURNING`: exactly the rows it folds into the snapshot are the rows it
 *   deletes. An append committing meanwhile is not visible to that DELETE and stays in
 *   the log; a sequence-range delete could drop such a row, because sequence order is not
 *   commit order.
 */
import type pg from 'pg';
import { foldUpdates, FrozenOrDeletedError, MEETING_TABLES, type DocumentTables } from './document-log.ts';
import { buffer, bytes, transaction } from './postgres-common.ts';
import type { DocumentStore, MeetingRecord, MeetingStore } from './types.ts';

interface MeetingRow {
	id: string;
	title: string;
	created_at: Date;
	epoch: number;
	frozen_at: Date | null;
	deleted_at: Date | null;
}

function toMeeting(row: MeetingRow): MeetingRecord {
	return {
		id: row.id,
		title: row.title,
		createdAt: row.created_at.toISOString(),
		epoch: row.epoch,
		frozenAt: row.frozen_at?.toISOString() ?? null,
		deletedAt: row.deleted_at?.toISOString() ?? null
	};
}

export function postgresMeetings(pool: () => pg.Pool): MeetingStore {
	return {
		async createMeeting(meeting) {
			const { rows } = await pool().query<MeetingRow>('INSERT INTO meetings (id, title, created_at) VALUES ($1, $2, $3) RETURNING *', [
				meeting.id,
				meeting.title,
				new Date()
			]);
			return toMeeting(rows[0]);
		},

		async getMeeting(id) {
			const { rows } = await pool().query<MeetingRow>('SELECT * FROM meetings WHERE id = $1', [id]);
			return rows.length > 0 ? toMeeting(rows[0]) : null;
		},

		async deleteMeeting(id) {
			return transaction(pool(), async (client) => {
				const marked = await client.query('UPDATE meetings SET deleted_at = now() WHERE id = $1 AND deleted_at IS NULL AND frozen_at IS NULL', [id]);
				if (marked.rowCount === 0) return false;
				await client.query('DELETE FROM updates WHERE meeting_id = $1', [id]);
				await client.query('DELETE FROM client_owners WHERE meeting_id = $1', [id]);
				await client.query('DELETE FROM snapshots WHERE meeting_id = $1', [id]);
				await client.query('DELETE FROM confidential_updates WHERE meeting_id = $1', [id]);
				await client.query('DELETE FROM confidential_snapshots WHERE meeting_id = $1', [id]);
				return true;
			});
		},

		async countMeetings() {
			const { rows } = await pool().query<{ n: string }>('SELECT count(*) AS n FROM meetings WHERE deleted_at IS NULL');
			return Number(rows[0].n);
		},

		async listMeetingRecords() {
			const { rows } = await pool().query<MeetingRow>('SELECT * FROM meetings WHERE deleted_at IS NULL ORDER BY created_at, id');
			return rows.map(toMeeting);
		}
	};
}

export function postgresDocuments(pool: () => pg.Pool, tables: DocumentTables = MEETING_TABLES): DocumentStore {
	const { snapshots, updates } = tables;
	return {
		async loadUpdates(meetingId) {
			const { rows } = await pool().query<{ data: Buffer }>(
				`SELECT data FROM (
					SELECT 0 AS part, 0::bigint AS seq, data FROM ${snapshots} WHERE meeting_id = $1
					UNION ALL
					SELECT 1 AS part, seq, data FROM ${updates} WHERE meeting_id = $1
				) stored ORDER BY part, seq`,
				[meetingId]
			);
			return rows.map((row) => bytes(row.data));
		},

		async appendUpdate(meetingId, update) {
			const inserted = await pool().query(
				`INSERT INTO ${updates} (meeting_id, data)
				 SELECT $1, $2 WHERE NOT EXISTS (
					SELECT 1 FROM meetings WHERE id = $1 AND (frozen_at IS NOT NULL OR deleted_at IS NOT NULL)
				 )`,
				[meetingId, buffer(update)]
			);
			if (inserted.rowCount === 0) throw new FrozenOrDeletedError(meetingId);
		},

		/** One transaction, so one commit: the engine's limit is commits per second, not rows. */
		async appendUpdates(entries) {
			return transaction(pool(), async (client) => {
				const results: (Error | null)[] = [];
				for (const { meetingId, update } of entries) {
					const inserted = await client.query(
						`INSERT INTO ${updates} (meeting_id, data)
						 SELECT $1, $2 WHERE NOT EXISTS (
							SELECT 1 FROM meetings WHERE id = $1 AND (frozen_at IS NOT NULL OR deleted_at IS NOT NULL)
						 )`,
						[meetingId, buffer(update)]
					);
					results.push(inserted.rowCount === 0 ? new FrozenOrDeletedError(meetingId) : null);
				}
				return results;
			});
		},

		async countUpdates(meetingId) {
			const { rows } = await pool().query<{ n: number }>(`SELECT count(*)::int AS n FROM ${updates} WHERE meeting_id = $1`, [meetingId]);
			return rows[0].n;
		},

		async compact(meetingId) {
			await transaction(pool(), async (client) => {
				await client.query(`SELECT pg_advisory_xact_lock(hashtextextended('${tables.lock}' || $1, 0))`, [meetingId]);
				const log = await client.query<{ seq: string; data: Buffer }>(`DELETE FROM ${updates} WHERE meeting_id = $1 RETURNING seq, data`, [
					meetingId
				]);
				if (log.rows.length === 0) return;
				const snapshot = await client.query<{ data: Buffer }>(`SELECT data FROM ${snapshots} WHERE meeting_id = $1`, [meetingId]);
				// bigint arrives as text.
				const rows = log.rows.sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : 1));
				const merged = foldUpdates(snapshot.rows.length > 0 ? bytes(snapshot.rows[0].data) : null, rows.map((row) => bytes(row.data)));
				await client.query(
					`INSERT INTO ${snapshots} (meeting_id, data, updated_at) VALUES ($1, $2, now())
					 ON CONFLICT (meeting_id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
					[meetingId, buffer(merged)]
				);
			});
		},

		async loadClientOwners(meetingId) {
			const { rows } = await pool().query<{ client_id: string; principal: string }>(
				'SELECT client_id, principal FROM client_owners WHERE meeting_id = $1',
				[meetingId]
			);
			return new Map(rows.map((row) => [Number(row.client_id), row.principal]));
		},

		async claimClients(meetingId, clients, principal) {
			// One statement: the insert and the read of the winners see the same snapshot plus our own rows.
			const { rows } = await pool().query<{ client_id: string; principal: string }>(
				`WITH claimed AS (
					INSERT INTO client_owners (meeting_id, client_id, principal)
					SELECT $1, unnest($2::bigint[]), $3
					ON CONFLICT (meeting_id, client_id) DO NOTHING
					RETURNING client_id, principal
				)
				SELECT client_id, principal FROM claimed
				UNION ALL
				SELECT client_id, principal FROM client_owners WHERE meeting_id = $1 AND client_id = ANY($2::bigint[])`,
				[meetingId, clients.map(String), principal]
			);
			return new Map(rows.map((row) => [Number(row.client_id), row.principal]));
		}
	};
}
