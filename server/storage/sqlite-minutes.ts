/**
 * The minutes part on SQLite: approvals, who must approve, the seal and corrected
 * versions (tables: migrations 2 and 6). Same semantics as postgres-minutes.ts, checked
 * by tests/integration/storage-contract-minutes.ts.
 */
import type { SqliteConnection } from './sqlite-connection.ts';
import { type ApprovalRow, toApproval } from './rows.ts';
import type { ApprovalRecord, MeetingRecord, MinutesSeal, MinutesStore, RequiredApprover, VersionLinks } from './types.ts';

interface SealRow {
	meeting_id: string;
	format: string;
	fingerprint: string;
	state_hash: string;
	approved_at: string;
	approvers: string;
}

export function sqliteMinutes(conn: SqliteConnection): MinutesStore {
	return {
		async addApproval(record: ApprovalRecord): Promise<void> {
			const db = conn.db;
			db.prepare(
				`INSERT INTO minutes_approvals (meeting_id, action, participant_id, role, name, at) VALUES (?, ?, ?, ?, ?, ?)
				 ON CONFLICT DO NOTHING`
			).run(record.meetingId, record.action, record.participantId ?? '', record.role, record.name, record.at);
		},

		async listApprovals(meetingId: string): Promise<ApprovalRecord[]> {
			const db = conn.db;
			const rows = db
				.prepare('SELECT * FROM minutes_approvals WHERE meeting_id = ? ORDER BY at, rowid')
				.all(meetingId) as ApprovalRow[];
			return rows.map(toApproval);
		},

		async setRequiredApprovers(meetingId: string, approvers: readonly RequiredApprover[]): Promise<void> {
			const db = conn.db;
			db.prepare(
				`INSERT INTO minutes_required_approvers (meeting_id, approvers) VALUES (?, ?)
				 ON CONFLICT(meeting_id) DO UPDATE SET approvers = excluded.approvers`
			).run(meetingId, JSON.stringify(approvers));
		},

		async getRequiredApprovers(meetingId: string): Promise<RequiredApprover[] | null> {
			const db = conn.db;
			const row = db.prepare('SELECT approvers FROM minutes_required_approvers WHERE meeting_id = ?').get(meetingId) as
				| { approvers: string }
				| undefined;
			return row ? (JSON.parse(row.approvers) as RequiredApprover[]) : null;
		},

		async freezeMeeting(meetingId: string, at: string): Promise<boolean> {
			const db = conn.db;
			return db.prepare('UPDATE meetings SET frozen_at = ? WHERE id = ? AND frozen_at IS NULL').run(at, meetingId).changes > 0;
		},

		async sealMinutes(seal: MinutesSeal): Promise<boolean> {
			const db = conn.db;
			const run = db.transaction(() => {
				if (db.prepare('SELECT 1 FROM minutes_seals WHERE meeting_id = ?').get(seal.meetingId)) return false;
				const frozen = db
					.prepare('UPDATE meetings SET frozen_at = ? WHERE id = ? AND (frozen_at IS NULL OR frozen_at = ?)')
					.run(seal.approvedAt, seal.meetingId, seal.approvedAt);
				if (frozen.changes === 0) return false;
				db.prepare(
					`INSERT INTO minutes_seals (meeting_id, format, fingerprint, state_hash, approved_at, approvers)
					 VALUES (?, ?, ?, ?, ?, ?)`
				).run(seal.meetingId, seal.format, seal.fingerprint, seal.stateHash, seal.approvedAt, JSON.stringify(seal.approvers));
				return true;
			});
			return run.immediate();
		},

		async getSeal(meetingId: string): Promise<MinutesSeal | null> {
			const db = conn.db;
			const row = db.prepare('SELECT * FROM minutes_seals WHERE meeting_id = ?').get(meetingId) as SealRow | undefined;
			if (!row) return null;
			return {
				meetingId: row.meeting_id,
				format: row.format,
				fingerprint: row.fingerprint,
				stateHash: row.state_hash,
				approvedAt: row.approved_at,
				approvers: JSON.parse(row.approvers) as ApprovalRecord[]
			};
		},

		async createCorrection(input: { id: string; title: string; previousId: string; update: Uint8Array }): Promise<MeetingRecord | null> {
			const db = conn.db;
			const createdAt = new Date().toISOString();
			const run = db.transaction(() => {
				const taken = db.prepare('SELECT 1 FROM meeting_versions WHERE previous_id = ?').get(input.previousId);
				if (taken) return null;
				db.prepare('INSERT INTO meetings (id, title, created_at) VALUES (?, ?, ?)').run(input.id, input.title, createdAt);
				db.prepare('INSERT INTO meeting_versions (meeting_id, previous_id) VALUES (?, ?)').run(input.id, input.previousId);
				db.prepare('INSERT INTO updates (meeting_id, data) VALUES (?, ?)').run(input.id, Buffer.from(input.update));
				return { id: input.id, title: input.title, createdAt, epoch: 1, frozenAt: null, deletedAt: null };
			});
			return run.immediate();
		},

		async getVersionLinks(meetingId: string): Promise<VersionLinks> {
			const db = conn.db;
			const previous = db.prepare('SELECT previous_id FROM meeting_versions WHERE meeting_id = ?').get(meetingId) as
				| { previous_id: string }
				| undefined;
			const next = db.prepare('SELECT meeting_id FROM meeting_versions WHERE previous_id = ?').get(meetingId) as
				| { meeting_id: string }
				| undefined;
			return { previousVersionId: previous?.previous_id ?? null, nextVersionId: next?.meeting_id ?? null };
		}
	};
}
