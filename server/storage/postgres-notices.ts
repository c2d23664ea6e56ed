/**
 * The notices part on PostgreSQL: the notice of approved minutes (anslag; table:
 * migration 7). Same semantics as sqlite-notices.ts.
 */
import type pg from 'pg';
import { type NoticeRow, toNotice } from './rows.ts';
import type { NoticeRecord, NoticeStore } from './types.ts';

export function postgresNotices(pool: () => pg.Pool): NoticeStore {
	return {
		async setNotice(record: NoticeRecord): Promise<void> {
			const db = pool();
			await db.query(
				`INSERT INTO minutes_notices (meeting_id, posted_on, take_down_on, kept_at, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6)
				 ON CONFLICT (meeting_id) DO UPDATE SET posted_on = EXCLUDED.posted_on, take_down_on = EXCLUDED.take_down_on,
				 kept_at = EXCLUDED.kept_at, recorded_by = EXCLUDED.recorded_by, recorded_at = EXCLUDED.recorded_at`,
				[record.meetingId, record.postedOn, record.takeDownOn, record.keptAt, record.recordedBy, record.recordedAt]
			);
		},

		async getNotice(meetingId: string): Promise<NoticeRecord | null> {
			const db = pool();
			// Dates as text: a DATE read into a JS Date would shift with the process's time zone.
			const { rows } = await db.query<NoticeRow>(
				`SELECT meeting_id, posted_on::text AS posted_on, take_down_on::text AS take_down_on, kept_at, recorded_by, recorded_at
				 FROM minutes_notices WHERE meeting_id = $1`,
				[meetingId]
			);
			const row = rows[0];
			return row ? toNotice(row) : null;
		}
	};
}
