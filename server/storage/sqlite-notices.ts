/**
 * The SQLite table for the notice of approved minutes (anslag). `SqliteStorage` runs
 * NOTICES_SCHEMA in init() (idempotent) and delegates here; the PostgreSQL counterpart is
 * postgres-notices.ts, both checked by tests/integration/storage-contract-notices.ts.
 */
import type Database from 'better-sqlite3';
import type { NoticeRecord } from './types.ts';

export const NOTICES_SCHEMA = `
CREATE TABLE IF NOT EXISTS minutes_notices (
	meeting_id TEXT PRIMARY KEY REFERENCES meetings(id),
	posted_on TEXT NOT NULL,
	take_down_on TEXT NOT NULL,
	kept_at TEXT NOT NULL,
	recorded_by TEXT NOT NULL,
	recorded_at TEXT NOT NULL
);
`;

interface NoticeRow {
	meeting_id: string;
	posted_on: string;
	take_down_on: string;
	kept_at: string;
	recorded_by: string;
	recorded_at: string;
}

export function setNotice(db: Database.Database, record: NoticeRecord): void {
	db.prepare(
		`INSERT INTO minutes_notices (meeting_id, posted_on, take_down_on, kept_at, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?)
		 ON CONFLICT (meeting_id) DO UPDATE SET posted_on = excluded.posted_on, take_down_on = excluded.take_down_on,
		 kept_at = excluded.kept_at, recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at`
	).run(record.meetingId, record.postedOn, record.takeDownOn, record.keptAt, record.recordedBy, record.recordedAt);
}

export function getNotice(db: Database.Database, meetingId: string): NoticeRecord | null {
	const row = db.prepare('SELECT * FROM minutes_notices WHERE meeting_id = ?').get(meetingId) as NoticeRow | undefined;
	return row
		? {
				meetingId: row.meeting_id,
				postedOn: row.posted_on,
				takeDownOn: row.take_down_on,
				keptAt: row.kept_at,
				recordedBy: row.recorded_by,
				recordedAt: row.recorded_at
			}
		: null;
}
