/**
 * The PostgreSQL table for the notice of approved minutes (anslag), applied as a
 * migration version by `PostgresStorage`; same semantics as sqlite-notices.ts.
 */
import type pg from 'pg';
import type { NoticeRecord } from './types.ts';

export const NOTICES_MIGRATION = `
CREATE TABLE minutes_notices (
	meeting_id TEXT PRIMARY KEY REFERENCES meetings(id),
	posted_on DATE NOT NULL,
	take_down_on DATE NOT NULL,
	kept_at TEXT NOT NULL,
	recorded_by TEXT NOT NULL,
	recorded_at TIMESTAMPTZ NOT NULL
);
`;

interface NoticeRow {
	meeting_id: string;
	posted_on: string;
	take_down_on: string;
	kept_at: string;
	recorded_by: string;
	recorded_at: Date;
}

export async function setNotice(db: pg.Pool, record: NoticeRecord): Promise<void> {
	await db.query(
		`INSERT INTO minutes_notices (meeting_id, posted_on, take_down_on, kept_at, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6)
		 ON CONFLICT (meeting_id) DO UPDATE SET posted_on = EXCLUDED.posted_on, take_down_on = EXCLUDED.take_down_on,
		 kept_at = EXCLUDED.kept_at, recorded_by = EXCLUDED.recorded_by, recorded_at = EXCLUDED.recorded_at`,
		[record.meetingId, record.postedOn, record.takeDownOn, record.keptAt, record.recordedBy, record.recordedAt]
	);
}

export async function getNotice(db: pg.Pool, meetingId: string): Promise<NoticeRecord | null> {
	// Dates as text: a DATE read into a JS Date would shift with the process's time zone.
	const { rows } = await db.query<NoticeRow>(
		`SELECT meeting_id, posted_on::text AS posted_on, take_down_on::text AS take_down_on, kept_at, recorded_by, recorded_at
		 FROM minutes_notices WHERE meeting_id = $1`,
		[meetingId]
	);
	const row = rows[0];
	return row
		? {
				meetingId: row.meeting_id,
				postedOn: row.posted_on,
				takeDownOn: row.take_down_on,
				keptAt: row.kept_at,
				recordedBy: row.recorded_by,
				recordedAt: row.recorded_at.toISOString()
			}
		: null;
}
