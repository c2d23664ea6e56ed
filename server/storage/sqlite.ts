/**
 * MeetingStorage on one SQLite file (better-sqlite3), the embedded default.
 *
 * Durability: WAL with synchronous=NORMAL. A commit is in the WAL file (the OS page
 * cache) before the call returns, so a crash or `kill -9` of the process loses
 * nothing that was acknowledged; only a power loss or kernel crash can lose the last
 * commits before the next checkpoint. synchronous=FULL closes that gap at the cost
 * of an fsync per update.
 *
 * Every call is synchronous under the hood; the async shape is the contract's, so a
 * networked engine fits the same interface.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import * as Y from 'yjs';
import type { GroupMeetingRecord, GroupRecord, GroupStorage, NewGroupMeeting } from './group-types.ts';
import { GROUP_SCHEMA, SqliteGroups } from './sqlite-groups.ts';
import * as minutes from './sqlite-minutes.ts';
import * as notices from './sqlite-notices.ts';
import { SESSIONS_SCHEMA, SqliteSessionStore } from './sqlite-sessions.ts';
import type { SessionStorage } from '../auth/session-store.ts';
import type { ApprovalRecord, RequiredApprover, InvitationRecord, MeetingRecord, MeetingStorage, MinutesSeal, NoticeRecord, TokenRecord, VersionLinks } from './types.ts';
import * as invitations from './sqlite-invitations.ts';
import type { PersonalDataStorage } from './personal-data-types.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meetings (
	id TEXT PRIMARY KEY,
	title TEXT NOT NULL,
	created_at TEXT NOT NULL,
	epoch INTEGER NOT NULL DEFAULT 1,
	frozen_at TEXT,
	deleted_at TEXT
);
CREATE TABLE IF NOT EXISTS tokens (
	hash TEXT PRIMARY KEY,
	meeting_id TEXT NOT NULL REFERENCES meetings(id),
	role TEXT NOT NULL,
	label TEXT NOT NULL,
	created_at TEXT NOT NULL,
	revoked_at TEXT
);
CREATE INDEX IF NOT EXISTS tokens_meeting ON tokens(meeting_id);
CREATE TABLE IF NOT EXISTS snapshots (
	meeting_id TEXT PRIMARY KEY REFERENCES meetings(id),
	data BLOB NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS updates (
	seq INTEGER PRIMARY KEY AUTOINCREMENT,
	meeting_id TEXT NOT NULL REFERENCES meetings(id),
	data BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS updates_meeting_seq ON updates(meeting_id, seq);
CREATE TABLE IF NOT EXISTS client_owners (
	meeting_id TEXT NOT NULL REFERENCES meetings(id),
	client_id INTEGER NOT NULL,
	principal TEXT NOT NULL,
	claimed_at TEXT NOT NULL,
	PRIMARY KEY (meeting_id, client_id)
) WITHOUT ROWID;
`;

interface MeetingRow {
	id: string;
	title: string;
	created_at: string;
	epoch: number;
	frozen_at: string | null;
	deleted_at: string | null;
}

interface TokenRow {
	meeting_id: string;
	role: string;
	label: string;
	created_at: string;
	revoked_at: string | null;
	id: string;
	participant_id: string | null;
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
function bytes(buffer: Buffer): Uint8Array {
	return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

export const SQLITE_FILE_NAME = 'motesrum.db';

export class SqliteStorage implements MeetingStorage, GroupStorage, PersonalDataStorage, SessionStorage {
	readonly #file: string;
	#db: Database.Database | null = null;
	readonly #groups = new SqliteGroups(() => this.#conn);
	/** Prepared once per connection: preparing on every append cost ~20% of its CPU under the capacity benchmark. */
	readonly #statements = new Map<string, Database.Statement>();

	/** `file` is a path, or ':memory:' for tests that need no file. */
	constructor(file: string) {
		this.#file = file;
	}

	/** Sign-in sessions on this storage's connection (server/auth/session-store.ts). */
	sessionStore(): SqliteSessionStore {
		return new SqliteSessionStore(() => this.#conn);
	}

	static inDataDir(dataDir: string): SqliteStorage {
		return new SqliteStorage(path.join(dataDir, SQLITE_FILE_NAME));
	}

	get #conn(): Database.Database {
		if (!this.#db) throw new Error('SqliteStorage used before init() or after close()');
		return this.#db;
	}

	#prepare(sql: string): Database.Statement {
		const db = this.#conn;
		let statement = this.#statements.get(sql);
		if (!statement) {
			statement = db.prepare(sql);
			this.#statements.set(sql, statement);
		}
		return statement;
	}

	async init(): Promise<void> {
		if (this.#file !== ':memory:') fs.mkdirSync(path.dirname(this.#file), { recursive: true });
		const db = new Database(this.#file);
		db.pragma('journal_mode = WAL');
		db.pragma('synchronous = NORMAL');
		db.pragma('foreign_keys = ON');
		// Another connection (a second process, or a compaction elsewhere) may hold the write lock briefly.
		db.pragma('busy_timeout = 5000');
		db.exec(SCHEMA);
		db.exec(GROUP_SCHEMA);
		db.exec(minutes.MINUTES_SCHEMA);
		db.exec(notices.NOTICES_SCHEMA);
		db.exec(SESSIONS_SCHEMA);
		invitations.migrate(db);
		this.#db = db;
	}

	async close(): Promise<void> {
		this.#statements.clear();
		this.#db?.close();
		this.#db = null;
	}

	async createMeeting(meeting: Pick<MeetingRecord, 'id' | 'title'>): Promise<MeetingRecord> {
		const createdAt = new Date().toISOString();
		this.#prepare('INSERT INTO meetings (id, title, created_at) VALUES (?, ?, ?)')
			.run(meeting.id, meeting.title, createdAt);
		return { id: meeting.id, title: meeting.title, createdAt, epoch: 1, frozenAt: null, deletedAt: null };
	}

	// ---- personal data (personal-data-types.ts)

	async listMeetingRecords(): Promise<MeetingRecord[]> {
		const rows = this.#prepare('SELECT * FROM meetings WHERE deleted_at IS NULL ORDER BY created_at, id').all() as MeetingRow[];
		return rows.map(toMeeting);
	}

	async relabelInvitations(meetingId: string, invitationIds: readonly string[], label: string): Promise<number> {
		const update = this.#prepare('UPDATE tokens SET label = ? WHERE meeting_id = ? AND id = ?');
		return this.#conn.transaction(() => invitationIds.reduce((n, id) => n + update.run(label, meetingId, id).changes, 0))();
	}

	async getMeeting(id: string): Promise<MeetingRecord | null> {
		const row = this.#prepare('SELECT * FROM meetings WHERE id = ?').get(id) as MeetingRow | undefined;
		return row ? toMeeting(row) : null;
	}

	async deleteMeeting(id: string): Promise<boolean> {
		const db = this.#conn;
		const remove = db.transaction(() => {
			const marked = db
				.prepare('UPDATE meetings SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL AND frozen_at IS NULL')
				.run(new Date().toISOString(), id);
			if (marked.changes === 0) return false;
			db.prepare('DELETE FROM updates WHERE meeting_id = ?').run(id);
			db.prepare('DELETE FROM snapshots WHERE meeting_id = ?').run(id);
			db.prepare('DELETE FROM client_owners WHERE meeting_id = ?').run(id);
			return true;
		});
		return remove.immediate();
	}

	async addToken(tokenHash: string, token: Omit<TokenRecord, 'createdAt' | 'revokedAt'>): Promise<void> {
		invitations.insertToken(this.#conn, tokenHash, token);
	}

	async findToken(tokenHash: string): Promise<TokenRecord | null> {
		const row = this.#prepare('SELECT meeting_id, role, label, created_at, revoked_at, id, participant_id FROM tokens WHERE hash = ?')
			.get(tokenHash) as TokenRow | undefined;
		if (!row) return null;
		return {
			meetingId: row.meeting_id,
			role: row.role,
			label: row.label,
			createdAt: row.created_at,
			revokedAt: row.revoked_at,
			id: row.id,
			participantId: row.participant_id
		};
	}

	async listInvitations(meetingId: string): Promise<InvitationRecord[]> {
		return invitations.listInvitations(this.#conn, meetingId);
	}

	async revokeInvitations(meetingId: string, match: { id: string } | { participantId: string }): Promise<string[]> {
		return invitations.revokeInvitations(this.#conn, meetingId, match);
	}

	async countMeetings(): Promise<number> {
		return invitations.countMeetings(this.#conn);
	}

	async loadUpdates(meetingId: string): Promise<Uint8Array[]> {
		const db = this.#conn;
		// One read transaction: a compaction by another connection cannot slip in between the two reads.
		const read = db.transaction(() => {
			const snapshot = this.#prepare('SELECT data FROM snapshots WHERE meeting_id = ?').get(meetingId) as
				| { data: Buffer }
				| undefined;
			const log = this.#prepare('SELECT data FROM updates WHERE meeting_id = ? ORDER BY seq')
				.all(meetingId) as { data: Buffer }[];
			return [...(snapshot ? [snapshot.data] : []), ...log.map((row) => row.data)].map(bytes);
		});
		return read();
	}

	/** Refuses (throws) once the meeting is frozen or deleted: a room still open elsewhere must not change or bring it back. */
	async appendUpdate(meetingId: string, update: Uint8Array): Promise<void> {
		const inserted = this.#prepare(
			`INSERT INTO updates (meeting_id, data)
			 SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM meetings WHERE id = ? AND (frozen_at IS NOT NULL OR deleted_at IS NOT NULL))`
		)
			.run(meetingId, Buffer.from(update), meetingId);
		if (inserted.changes === 0) throw new Error(`meeting ${meetingId} is frozen or deleted: update not stored`);
	}

	async countUpdates(meetingId: string): Promise<number> {
		const row = this.#prepare('SELECT count(*) AS n FROM updates WHERE meeting_id = ?').get(meetingId) as {
			n: number;
		};
		return row.n;
	}

	async compact(meetingId: string): Promise<void> {
		const db = this.#conn;
		// IMMEDIATE takes the write lock at the start, so two compactions (or a compaction
		// and appends from another process) serialise instead of interleaving.
		const compact = db.transaction(() => {
			const snapshot = this.#prepare('SELECT data FROM snapshots WHERE meeting_id = ?').get(meetingId) as
				| { data: Buffer }
				| undefined;
			const log = this.#prepare('SELECT seq, data FROM updates WHERE meeting_id = ? ORDER BY seq')
				.all(meetingId) as { seq: number; data: Buffer }[];
			if (log.length === 0) return;
			const doc = new Y.Doc();
			try {
				if (snapshot) Y.applyUpdate(doc, bytes(snapshot.data));
				for (const row of log) Y.applyUpdate(doc, bytes(row.data));
				const merged = Buffer.from(Y.encodeStateAsUpdate(doc));
				this.#prepare(
					`INSERT INTO snapshots (meeting_id, data, updated_at) VALUES (?, ?, ?)
					 ON CONFLICT(meeting_id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`
				).run(meetingId, merged, new Date().toISOString());
				this.#prepare('DELETE FROM updates WHERE meeting_id = ? AND seq <= ?').run(meetingId, log[log.length - 1].seq);
			} finally {
				doc.destroy();
			}
		});
		compact.immediate();
	}

	async loadClientOwners(meetingId: string): Promise<Map<number, string>> {
		const rows = this.#prepare('SELECT client_id, principal FROM client_owners WHERE meeting_id = ?').all(meetingId) as {
			client_id: number;
			principal: string;
		}[];
		return new Map(rows.map((row) => [row.client_id, row.principal]));
	}

	async claimClients(meetingId: string, clients: readonly number[], principal: string): Promise<Map<number, string>> {
		const claim = this.#prepare('INSERT OR IGNORE INTO client_owners (meeting_id, client_id, principal, claimed_at) VALUES (?, ?, ?, ?)');
		const owner = this.#prepare('SELECT principal FROM client_owners WHERE meeting_id = ? AND client_id = ?');
		const at = new Date().toISOString();
		return this.#conn.transaction(() => {
			const owners = new Map<number, string>();
			for (const client of clients) {
				claim.run(meetingId, client, principal, at);
				owners.set(client, (owner.get(meetingId, client) as { principal: string }).principal);
			}
			return owners;
		}).immediate();
	}

	// Meeting groups (group-types.ts): delegated so the group tables stay in their own file.
	createGroup(group: { id: string; name: string }, initialUpdate: Uint8Array): Promise<GroupRecord> {
		return this.#groups.createGroup(group, initialUpdate);
	}

	getGroup(id: string): Promise<GroupRecord | null> {
		return this.#groups.getGroup(id);
	}

	createGroupMeeting(meeting: NewGroupMeeting): Promise<{ meeting: GroupMeetingRecord; created: boolean }> {
		return this.#groups.createGroupMeeting(meeting);
	}

	listGroupMeetings(groupId: string): Promise<GroupMeetingRecord[]> {
		return this.#groups.listGroupMeetings(groupId);
	}

	findMeetingGroup(meetingId: string): Promise<GroupMeetingRecord | null> {
		return this.#groups.findMeetingGroup(meetingId);
	}

	// ---- minutes approval and versions: the SQL is in sqlite-minutes.ts

	async addApproval(record: ApprovalRecord): Promise<void> {
		minutes.addApproval(this.#conn, record);
	}

	async listApprovals(meetingId: string): Promise<ApprovalRecord[]> {
		return minutes.listApprovals(this.#conn, meetingId);
	}

	async setRequiredApprovers(meetingId: string, approvers: readonly RequiredApprover[]): Promise<void> {
		minutes.setRequiredApprovers(this.#conn, meetingId, approvers);
	}

	async getRequiredApprovers(meetingId: string): Promise<RequiredApprover[] | null> {
		return minutes.getRequiredApprovers(this.#conn, meetingId);
	}

	async freezeMeeting(meetingId: string, at: string): Promise<boolean> {
		return minutes.freezeMeeting(this.#conn, meetingId, at);
	}

	async sealMinutes(seal: MinutesSeal): Promise<boolean> {
		return minutes.sealMinutes(this.#conn, seal);
	}

	async getSeal(meetingId: string): Promise<MinutesSeal | null> {
		return minutes.getSeal(this.#conn, meetingId);
	}

	async createCorrection(input: { id: string; title: string; previousId: string; update: Uint8Array }): Promise<MeetingRecord | null> {
		return minutes.createCorrection(this.#conn, input);
	}

	async getVersionLinks(meetingId: string): Promise<VersionLinks> {
		return minutes.getVersionLinks(this.#conn, meetingId);
	}

	// ---- notice of approved minutes (anslag): the SQL is in sqlite-notices.ts

	async setNotice(record: NoticeRecord): Promise<void> {
		notices.setNotice(this.#conn, record);
	}

	async getNotice(meetingId: string): Promise<NoticeRecord | null> {
		return notices.getNotice(this.#conn, meetingId);
	}
}
