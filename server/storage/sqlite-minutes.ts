/**
 * The SQLite tables and queries for minutes approval and versions, kept apart from
 * sqlite.ts so the two evolve without conflicts. `SqliteStorage` runs MINUTES_SCHEMA in
 * init() (idempotent: CREATE … IF NOT EXISTS, so an existing database gains the tables on
 * its next start) and delegates the MeetingStorage methods here.
 */
import type Database from 'better-sqlite3';
import type { ApprovalRecord, MeetingRecord, MinutesSeal, RequiredApprover, VersionLinks } from './types.ts';

export const MINUTES_SCHEMA = `
CREATE TABLE IF NOT EXISTS minutes_approvals (
	meeting_id TEXT NOT NULL REFERENCES meetings(id),
	action TEXT NOT NULL CHECK (action IN ('ready', 'approve')),
	-- '' when no participant acted (an organiser), so the primary key still holds.
	participant_id TEXT NOT NULL,
	role TEXT NOT NULL,
	name TEXT NOT NULL,
	at TEXT NOT NULL,
	PRIMARY KEY (meeting_id, action, participant_id)
);
CREATE TABLE IF NOT EXISTS minutes_seals (
	meeting_id TEXT PRIMARY KEY REFERENCES meetings(id),
	format TEXT NOT NULL,
	fingerprint TEXT NOT NULL,
	state_hash TEXT NOT NULL,
	approved_at TEXT NOT NULL,
	approvers TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS minutes_required_approvers (
	meeting_id TEXT PRIMARY KEY REFERENCES meetings(id),
	approvers TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meeting_versions (
	meeting_id TEXT PRIMARY KEY REFERENCES meetings(id),
	previous_id TEXT NOT NULL UNIQUE REFERENCES meetings(id)
);
`;

interface ApprovalRow {
	meeting_id: string;
	action: 'ready' | 'approve';
	participant_id: string;
	role: string;
	name: string;
	at: string;
}

interface SealRow {
	meeting_id: string;
	format: string;
	fingerprint: string;
	state_hash: string;
	approved_at: string;
	approvers: string;
}

function toApproval(row: ApprovalRow): ApprovalRecord {
	return {
		meetingId: row.meeting_id,
		action: row.action,
		participantId: row.participant_id === '' ? null : row.participant_id,
		role: row.role,
		name: row.name,
		at: row.at
	};
}

export function addApproval(db: Database.Database, record: ApprovalRecord): void {
	db.prepare(
		`INSERT INTO minutes_approvals (meeting_id, action, participant_id, role, name, at) VALUES (?, ?, ?, ?, ?, ?)
		 ON CONFLICT DO NOTHING`
	).run(record.meetingId, record.action, record.participantId ?? '', record.role, record.name, record.at);
}

export function listApprovals(db: Database.Database, meetingId: string): ApprovalRecord[] {
	const rows = db
		.prepare('SELECT * FROM minutes_approvals WHERE meeting_id = ? ORDER BY at, rowid')
		.all(meetingId) as ApprovalRow[];
	return rows.map(toApproval);
}

export function setRequiredApprovers(db: Database.Database, meetingId: string, approvers: readonly RequiredApprover[]): void {
	db.prepare(
		`INSERT INTO minutes_required_approvers (meeting_id, approvers) VALUES (?, ?)
		 ON CONFLICT(meeting_id) DO UPDATE SET approvers = excluded.approvers`
	).run(meetingId, JSON.stringify(approvers));
}

export function getRequiredApprovers(db: Database.Database, meetingId: string): RequiredApprover[] | null {
	const row = db.prepare('SELECT approvers FROM minutes_required_approvers WHERE meeting_id = ?').get(meetingId) as
		| { approvers: string }
		| undefined;
	return row ? (JSON.parse(row.approvers) as RequiredApprover[]) : null;
}

export function freezeMeeting(db: Database.Database, meetingId: string, at: string): boolean {
	return db.prepare('UPDATE meetings SET frozen_at = ? WHERE id = ? AND frozen_at IS NULL').run(at, meetingId).changes > 0;
}

export function sealMinutes(db: Database.Database, seal: MinutesSeal): boolean {
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
}

export function getSeal(db: Database.Database, meetingId: string): MinutesSeal | null {
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
}

export function createCorrection(
	db: Database.Database,
	input: { id: string; title: string; previousId: string; update: Uint8Array }
): MeetingRecord | null {
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
}

export function getVersionLinks(db: Database.Database, meetingId: string): VersionLinks {
	const previous = db.prepare('SELECT previous_id FROM meeting_versions WHERE meeting_id = ?').get(meetingId) as
		| { previous_id: string }
		| undefined;
	const next = db.prepare('SELECT meeting_id FROM meeting_versions WHERE previous_id = ?').get(meetingId) as
		| { meeting_id: string }
		| undefined;
	return { previousVersionId: previous?.previous_id ?? null, nextVersionId: next?.meeting_id ?? null };
}
