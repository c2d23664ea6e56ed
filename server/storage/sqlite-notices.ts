/**
 * The notices part on SQLite: the notice of approved minutes (anslag; table: migration 7).
 * Same semantics as postgres-notices.ts, checked by tests/integration/storage-contract-notices.ts.
 */
import type { SqliteConnection } from './sqlite-connection.ts';
import { type NoticeRow, toNotice } from './rows.ts';
import type { NoticeRecord, NoticeStore } from './types.ts';

export function sqliteNotices(conn: SqliteConnection): NoticeStore {
	return {
		async setNotice(record: NoticeRecord): Promise<void> {
			const db = conn.db;
			db.prepare(
				`INSERT INTO minutes_notices (meeting_id, posted_on, take_down_on, kept_at, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?)
				 ON CONFLICT (meeting_id) DO UPDATE SET posted_on = excluded.posted_on, take_down_on = excluded.take_down_on,
				 kept_at = excluded.kept_at, recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at`
			).run(record.meetingId, record.postedOn, record.takeDownOn, record.keptAt, record.recordedBy, record.recordedAt);
		},

		async getNotice(meetingId: string): Promise<NoticeRecord | null> {
			const db = conn.db;
			const row = db.prepare('SELECT * FROM minutes_notices WHERE meeting_id = ?').get(meetingId) as NoticeRow | undefined;
			return row ? toNotice(row) : null;
		}
	};
}
