/**
 * The minutes part on PostgreSQL: approvals, who must approve, the seal and corrected
 * versions (tables: migrations 2 and 6). Same semantics as sqlite-minutes.ts, checked by
 * the shared contract.
 *
 * Concurrency across instances:
 * - `sealMinutes`: the conditional UPDATE of `meetings.frozen_at` takes the row lock; a
 *   concurrent seal waits for it, re-checks `frozen_at IS NULL` after the first commits,
 *   updates nothing and so stores no second seal.
 * - `createCorrection`: `meeting_versions.previous_id` is UNIQUE; the loser of two
 *   concurrent corrections hits the constraint, its whole transaction (meeting row and
 *   first update included) rolls back, and it answers null.
 */
import type pg from 'pg';
import { buffer, isUniqueViolation, transaction } from './postgres-common.ts';
import { type ApprovalRow, toApproval } from './rows.ts';
import type { ApprovalRecord, MeetingRecord, MinutesSeal, MinutesStore, RequiredApprover, VersionLinks } from './types.ts';

interface SealRow {
	meeting_id: string;
	format: string;
	fingerprint: string;
	state_hash: string;
	approved_at: Date;
	approvers: ApprovalRecord[];
}

function storeSeal(db: pg.Pool, seal: MinutesSeal): Promise<boolean> {
	return transaction(db, async (client) => {
		// The row lock serialises concurrent seals; the loser then finds the seal and stores none.
		const frozen = await client.query(
			`UPDATE meetings SET frozen_at = $1 WHERE id = $2 AND (frozen_at IS NULL OR frozen_at = $1)
			 AND NOT EXISTS (SELECT 1 FROM minutes_seals WHERE meeting_id = $2)`,
			[seal.approvedAt, seal.meetingId]
		);
		if (frozen.rowCount === 0) return false;
		await client.query(
			`INSERT INTO minutes_seals (meeting_id, format, fingerprint, state_hash, approved_at, approvers)
			 VALUES ($1, $2, $3, $4, $5, $6)`,
			[seal.meetingId, seal.format, seal.fingerprint, seal.stateHash, seal.approvedAt, JSON.stringify(seal.approvers)]
		);
		return true;
	});
}

export function postgresMinutes(pool: () => pg.Pool): MinutesStore {
	const store: MinutesStore = {
		async addApproval(record: ApprovalRecord): Promise<void> {
			const db = pool();
			await db.query(
				`INSERT INTO minutes_approvals (meeting_id, action, participant_id, role, name, at) VALUES ($1, $2, $3, $4, $5, $6)
				 ON CONFLICT DO NOTHING`,
				[record.meetingId, record.action, record.participantId ?? '', record.role, record.name, record.at]
			);
		},

		async listApprovals(meetingId: string): Promise<ApprovalRecord[]> {
			const db = pool();
			const { rows } = await db.query<ApprovalRow>(
				'SELECT meeting_id, action, participant_id, role, name, at FROM minutes_approvals WHERE meeting_id = $1 ORDER BY at, ord',
				[meetingId]
			);
			return rows.map(toApproval);
		},

		async setRequiredApprovers(meetingId: string, approvers: readonly RequiredApprover[]): Promise<void> {
			const db = pool();
			await db.query(
				`INSERT INTO minutes_required_approvers (meeting_id, approvers) VALUES ($1, $2)
				 ON CONFLICT (meeting_id) DO UPDATE SET approvers = excluded.approvers`,
				[meetingId, JSON.stringify(approvers)]
			);
		},

		async getRequiredApprovers(meetingId: string): Promise<RequiredApprover[] | null> {
			const db = pool();
			const { rows } = await db.query<{ approvers: RequiredApprover[] }>('SELECT approvers FROM minutes_required_approvers WHERE meeting_id = $1', [meetingId]);
			return rows.length > 0 ? rows[0].approvers : null;
		},

		async freezeMeeting(meetingId: string, at: string): Promise<boolean> {
			const db = pool();
			const frozen = await db.query('UPDATE meetings SET frozen_at = $1 WHERE id = $2 AND frozen_at IS NULL', [at, meetingId]);
			return (frozen.rowCount ?? 0) > 0;
		},

		async sealMinutes(seal: MinutesSeal): Promise<boolean> {
			const db = pool();
			try {
				return await storeSeal(db, seal);
			} catch (error) {
				// A concurrent seal committed while this one waited for the row lock: its snapshot missed that seal.
				if (isUniqueViolation(error)) return false;
				throw error;
			}
		},

		async getSeal(meetingId: string): Promise<MinutesSeal | null> {
			const db = pool();
			const { rows } = await db.query<SealRow>('SELECT * FROM minutes_seals WHERE meeting_id = $1', [meetingId]);
			if (rows.length === 0) return null;
			const row = rows[0];
			return {
				meetingId: row.meeting_id,
				format: row.format,
				fingerprint: row.fingerprint,
				stateHash: row.state_hash,
				approvedAt: row.approved_at.toISOString(),
				approvers: row.approvers
			};
		},

		async createCorrection(input: { id: string; title: string; previousId: string; update: Uint8Array }): Promise<MeetingRecord | null> {
			const db = pool();
			const createdAt = new Date();
			try {
				const created = await transaction(db, async (client) => {
					const taken = await client.query('SELECT 1 FROM meeting_versions WHERE previous_id = $1', [input.previousId]);
					if (taken.rowCount !== 0) return false;
					await client.query('INSERT INTO meetings (id, title, created_at) VALUES ($1, $2, $3)', [input.id, input.title, createdAt]);
					await client.query('INSERT INTO meeting_versions (meeting_id, previous_id) VALUES ($1, $2)', [input.id, input.previousId]);
					await client.query('INSERT INTO updates (meeting_id, data) VALUES ($1, $2)', [input.id, buffer(input.update)]);
					return true;
				});
				if (!created) return null;
			} catch (error) {
				if (isUniqueViolation(error) && (await store.getVersionLinks(input.previousId)).nextVersionId !== null) return null;
				throw error;
			}
			return { id: input.id, title: input.title, createdAt: createdAt.toISOString(), epoch: 1, frozenAt: null, deletedAt: null };
		},

		async getVersionLinks(meetingId: string): Promise<VersionLinks> {
			const db = pool();
			const { rows } = await db.query<{ previous_id: string | null; next_id: string | null }>(
				`SELECT (SELECT previous_id FROM meeting_versions WHERE meeting_id = $1) AS previous_id,
				        (SELECT meeting_id FROM meeting_versions WHERE previous_id = $1) AS next_id`,
				[meetingId]
			);
			return { previousVersionId: rows[0].previous_id, nextVersionId: rows[0].next_id };
		}
	};
	return store;
}
