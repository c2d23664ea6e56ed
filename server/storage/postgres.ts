/**
 * MeetingStorage on PostgreSQL (pg), for several instances sharing one database.
 *
 * - Migrations run in `init()` under an advisory lock, so instances starting at once
 *   apply each one exactly once; applied versions are kept in `motesrum_migrations`.
 * - `appendUpdate` resolves after the INSERT committed (synchronous_commit as the
 *   server is configured, `on` by default), so an acknowledged update survives a crash
 *   of this process or of PostgreSQL.
 * - `appendUpdate` refuses updates to a frozen meeting (approved minutes) or a deleted
 *   one, whichever instance approved or deleted it.
 * - `loadUpdates` reads the snapshot and the log in one statement, so one MVCC
 *   snapshot: a compaction committing in between cannot hide rows from it.
 * - `compact` takes a transaction-level advisory lock keyed on the meeting (two
 *   instances compacting the same meeting run one after the other), and removes the
 *   log with `DELETE … RETURNING`: exactly the rows it folds into the snapshot are the
 *   rows it deletes. An append committing meanwhile is not visible to that DELETE and
 *   stays in the log; a sequence-range delete could drop such a row, because sequence
 *   order is not commit order.
 *
 * Which schema is used follows the connection's search_path; set it in the URL with
 * `?options=-c%20search_path%3D<schema>` (the tests give each run its own schema).
 */
import pg from 'pg';
import * as Y from 'yjs';
import type { Logger } from '../log.ts';
import type { GroupMeetingRecord, GroupRecord, GroupStorage, NewGroupMeeting } from './group-types.ts';
import { buffer, bytes, transaction } from './postgres-common.ts';
import { GROUPS_MIGRATION, PostgresGroups } from './postgres-groups.ts';
import * as minutes from './postgres-minutes.ts';
import * as notices from './postgres-notices.ts';
import { PostgresSessionStore, SESSIONS_MIGRATION } from './postgres-sessions.ts';
import type { SessionStorage } from '../auth/session-store.ts';
import * as invitations from './postgres-invitations.ts';
import type { PersonalDataStorage } from './personal-data-types.ts';
import type { ApprovalRecord, RequiredApprover, InvitationRecord, MeetingRecord, MeetingStorage, MinutesSeal, NoticeRecord, TokenRecord, VersionLinks } from './types.ts';

interface Migration {
	version: number;
	name: string;
	sql: string;
}

/** Append-only: a released migration is never edited, a change is a new version. */
const MIGRATIONS: readonly Migration[] = [
	{
		version: 1,
		name: 'meetings, tokens, snapshots, update log',
		sql: `
CREATE TABLE meetings (
	id TEXT PRIMARY KEY,
	title TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	epoch INTEGER NOT NULL DEFAULT 1,
	frozen_at TIMESTAMPTZ,
	deleted_at TIMESTAMPTZ
);
CREATE TABLE tokens (
	hash TEXT PRIMARY KEY,
	meeting_id TEXT NOT NULL REFERENCES meetings(id),
	role TEXT NOT NULL,
	label TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	revoked_at TIMESTAMPTZ
);
CREATE INDEX tokens_meeting ON tokens(meeting_id);
CREATE TABLE snapshots (
	meeting_id TEXT PRIMARY KEY REFERENCES meetings(id),
	data BYTEA NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE updates (
	seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	meeting_id TEXT NOT NULL REFERENCES meetings(id),
	data BYTEA NOT NULL
);
CREATE INDEX updates_meeting_seq ON updates(meeting_id, seq);
`
	},
	{ version: 2, name: 'minutes approvals, seals, versions', sql: minutes.MINUTES_MIGRATION },
	{ version: 3, name: 'meeting groups', sql: GROUPS_MIGRATION },
	{ version: 4, name: 'invitations: token ids and participants', sql: invitations.INVITATIONS_MIGRATION },
	{
		version: 5,
		name: 'owners of Yjs client ids',
		sql: `
CREATE TABLE client_owners (
	meeting_id TEXT NOT NULL REFERENCES meetings(id),
	client_id BIGINT NOT NULL,
	principal TEXT NOT NULL,
	claimed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
	PRIMARY KEY (meeting_id, client_id)
);
`
	},
	{ version: 6, name: 'who must approve, fixed at ready', sql: minutes.REQUIRED_APPROVERS_MIGRATION },
	{ version: 7, name: 'notices of approved minutes (anslag)', sql: notices.NOTICES_MIGRATION },
	{ version: 8, name: 'sign-in sessions (OIDC)', sql: SESSIONS_MIGRATION }
];

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

/** The URL without its password, for log lines and error messages. */
export function describeDatabaseUrl(url: string): string {
	const parsed = URL.parse(url);
	if (!parsed) return '(unparseable DATABASE_URL)';
	parsed.password = '';
	parsed.search = '';
	return parsed.toString();
}

export interface PostgresStorageOptions {
	/** Receives errors of idle pooled connections (e.g. PostgreSQL restarted); they are otherwise harmless. */
	log?: Logger;
	/** Connections in the pool (default 10). */
	maxConnections?: number;
}

export class PostgresStorage implements MeetingStorage, GroupStorage, PersonalDataStorage, SessionStorage {
	readonly #url: string;
	readonly #options: PostgresStorageOptions;
	#pool: pg.Pool | null = null;
	readonly #groups = new PostgresGroups(() => this.#db);

	constructor(url: string, options: PostgresStorageOptions = {}) {
		this.#url = url;
		this.#options = options;
	}

	/** Sign-in sessions in this storage's database (server/auth/session-store.ts). */
	sessionStore(): PostgresSessionStore {
		return new PostgresSessionStore(() => this.#db);
	}

	get #db(): pg.Pool {
		if (!this.#pool) throw new Error('PostgresStorage used before init() or after close()');
		return this.#pool;
	}

	async init(): Promise<void> {
		const pool = new pg.Pool({
			connectionString: this.#url,
			max: this.#options.maxConnections ?? 10,
			// Fail fast while PostgreSQL is unreachable, so clients and /healthz get an answer.
			connectionTimeoutMillis: 3000,
			query_timeout: 30_000,
			keepAlive: true
		});
		// An idle connection that breaks emits here; without a listener it would crash the process.
		pool.on('error', (error) => this.#options.log?.warn({ err: error.message }, 'idle PostgreSQL connection lost'));
		try {
			await this.#migrate(pool);
		} catch (error) {
			await pool.end().catch(() => {});
			throw new Error(`PostgreSQL at ${describeDatabaseUrl(this.#url)}: ${(error as Error).message}`, { cause: error });
		}
		this.#pool = pool;
	}

	async #migrate(pool: pg.Pool): Promise<void> {
		await transaction(pool, async (client) => {
			// Per schema, so test runs in their own schemas do not wait for each other.
			await client.query(`SELECT pg_advisory_xact_lock(hashtextextended('motesrum:migrate:' || current_schema(), 0))`);
			await client.query(`CREATE TABLE IF NOT EXISTS motesrum_migrations (
				version INTEGER PRIMARY KEY,
				name TEXT NOT NULL,
				applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
			)`);
			const applied = new Set(
				(await client.query<{ version: number }>('SELECT version FROM motesrum_migrations')).rows.map((r) => r.version)
			);
			for (const migration of MIGRATIONS) {
				if (applied.has(migration.version)) continue;
				await client.query(migration.sql);
				await client.query('INSERT INTO motesrum_migrations (version, name) VALUES ($1, $2)', [
					migration.version,
					migration.name
				]);
				this.#options.log?.info({ version: migration.version, name: migration.name }, 'database migration applied');
			}
		});
	}

	async close(): Promise<void> {
		const pool = this.#pool;
		this.#pool = null;
		await pool?.end();
	}

	async createMeeting(meeting: Pick<MeetingRecord, 'id' | 'title'>): Promise<MeetingRecord> {
		const { rows } = await this.#db.query<MeetingRow>(
			'INSERT INTO meetings (id, title, created_at) VALUES ($1, $2, $3) RETURNING *',
			[meeting.id, meeting.title, new Date()]
		);
		return toMeeting(rows[0]);
	}

	// ---- personal data (personal-data-types.ts)

	async listMeetingRecords(): Promise<MeetingRecord[]> {
		const { rows } = await this.#db.query<MeetingRow>('SELECT * FROM meetings WHERE deleted_at IS NULL ORDER BY created_at, id');
		return rows.map(toMeeting);
	}

	async relabelInvitations(meetingId: string, invitationIds: readonly string[], label: string): Promise<number> {
		const { rowCount } = await this.#db.query('UPDATE tokens SET label = $1 WHERE meeting_id = $2 AND id = ANY($3::text[])', [label, meetingId, [...invitationIds]]);
		return rowCount ?? 0;
	}

	async getMeeting(id: string): Promise<MeetingRecord | null> {
		const { rows } = await this.#db.query<MeetingRow>('SELECT * FROM meetings WHERE id = $1', [id]);
		return rows.length > 0 ? toMeeting(rows[0]) : null;
	}

	async deleteMeeting(id: string): Promise<boolean> {
		return transaction(this.#db, async (client) => {
			const marked = await client.query(
				'UPDATE meetings SET deleted_at = now() WHERE id = $1 AND deleted_at IS NULL AND frozen_at IS NULL',
				[id]
			);
			if (marked.rowCount === 0) return false;
			await client.query('DELETE FROM updates WHERE meeting_id = $1', [id]);
			await client.query('DELETE FROM client_owners WHERE meeting_id = $1', [id]);
			await client.query('DELETE FROM snapshots WHERE meeting_id = $1', [id]);
			return true;
		});
	}

	async addToken(tokenHash: string, token: Omit<TokenRecord, 'createdAt' | 'revokedAt'>): Promise<void> {
		await invitations.insertToken(this.#db, tokenHash, token);
	}

	async findToken(tokenHash: string): Promise<TokenRecord | null> {
		const { rows } = await this.#db.query<{
			meeting_id: string;
			role: string;
			label: string;
			created_at: Date;
			revoked_at: Date | null;
			id: string | null;
			participant_id: string | null;
		}>('SELECT meeting_id, role, label, created_at, revoked_at, id, participant_id FROM tokens WHERE hash = $1', [tokenHash]);
		if (rows.length === 0) return null;
		const row = rows[0];
		return {
			meetingId: row.meeting_id,
			role: row.role,
			label: row.label,
			createdAt: row.created_at.toISOString(),
			revokedAt: row.revoked_at?.toISOString() ?? null,
			id: row.id ?? undefined,
			participantId: row.participant_id
		};
	}

	listInvitations(meetingId: string): Promise<InvitationRecord[]> {
		return invitations.listInvitations(this.#db, meetingId);
	}

	revokeInvitations(meetingId: string, match: { id: string } | { participantId: string }): Promise<string[]> {
		return invitations.revokeInvitations(this.#db, meetingId, match);
	}

	countMeetings(): Promise<number> {
		return invitations.countMeetings(this.#db);
	}

	async loadUpdates(meetingId: string): Promise<Uint8Array[]> {
		const { rows } = await this.#db.query<{ data: Buffer }>(
			`SELECT data FROM (
				SELECT 0 AS part, 0::bigint AS seq, data FROM snapshots WHERE meeting_id = $1
				UNION ALL
				SELECT 1 AS part, seq, data FROM updates WHERE meeting_id = $1
			) stored ORDER BY part, seq`,
			[meetingId]
		);
		return rows.map((row) => bytes(row.data));
	}

	/**
	 * Refuses (throws) once the meeting is frozen or deleted: an instance that has not yet
	 * heard of an approval or a deletion made on another instance must not change the
	 * sealed document or bring a deleted one back. The room then drops, and its clients
	 * reconnect read-only or are refused (the upgrade reads `frozenAt` and `deletedAt`).
	 */
	async appendUpdate(meetingId: string, update: Uint8Array): Promise<void> {
		const inserted = await this.#db.query(
			`INSERT INTO updates (meeting_id, data)
			 SELECT $1, $2 WHERE NOT EXISTS (
				SELECT 1 FROM meetings WHERE id = $1 AND (frozen_at IS NOT NULL OR deleted_at IS NOT NULL)
			 )`,
			[meetingId, buffer(update)]
		);
		if (inserted.rowCount === 0) throw new Error(`meeting ${meetingId} is frozen or deleted: update not stored`);
	}

	async loadClientOwners(meetingId: string): Promise<Map<number, string>> {
		const { rows } = await this.#db.query<{ client_id: string; principal: string }>(
			'SELECT client_id, principal FROM client_owners WHERE meeting_id = $1',
			[meetingId]
		);
		return new Map(rows.map((row) => [Number(row.client_id), row.principal]));
	}

	async claimClients(meetingId: string, clients: readonly number[], principal: string): Promise<Map<number, string>> {
		// One statement: the insert and the read of the winners see the same snapshot plus our own rows.
		const { rows } = await this.#db.query<{ client_id: string; principal: string }>(
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

	async countUpdates(meetingId: string): Promise<number> {
		const { rows } = await this.#db.query<{ n: number }>('SELECT count(*)::int AS n FROM updates WHERE meeting_id = $1', [
			meetingId
		]);
		return rows[0].n;
	}

	async compact(meetingId: string): Promise<void> {
		await transaction(this.#db, async (client) => {
			await client.query(`SELECT pg_advisory_xact_lock(hashtextextended('motesrum:compact:' || $1, 0))`, [meetingId]);
			const log = await client.query<{ seq: string; data: Buffer }>(
				'DELETE FROM updates WHERE meeting_id = $1 RETURNING seq, data',
				[meetingId]
			);
			if (log.rows.length === 0) return;
			const snapshot = await client.query<{ data: Buffer }>('SELECT data FROM snapshots WHERE meeting_id = $1', [meetingId]);
			// Yjs reaches the same state in any order; log order keeps pending structs short-lived. bigint arrives as text.
			const rows = log.rows.sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : 1));
			const doc = new Y.Doc();
			try {
				Y.transact(doc, () => {
					if (snapshot.rows.length > 0) Y.applyUpdate(doc, bytes(snapshot.rows[0].data));
					for (const row of rows) Y.applyUpdate(doc, bytes(row.data));
				});
				await client.query(
					`INSERT INTO snapshots (meeting_id, data, updated_at) VALUES ($1, $2, now())
					 ON CONFLICT (meeting_id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
					[meetingId, buffer(Y.encodeStateAsUpdate(doc))]
				);
			} finally {
				doc.destroy();
			}
		});
	}

	// Meeting groups (group-types.ts): the SQL is in postgres-groups.ts.
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

	// ---- minutes approval and versions: the SQL is in postgres-minutes.ts

	addApproval(record: ApprovalRecord): Promise<void> {
		return minutes.addApproval(this.#db, record);
	}

	listApprovals(meetingId: string): Promise<ApprovalRecord[]> {
		return minutes.listApprovals(this.#db, meetingId);
	}

	setRequiredApprovers(meetingId: string, approvers: readonly RequiredApprover[]): Promise<void> {
		return minutes.setRequiredApprovers(this.#db, meetingId, approvers);
	}

	getRequiredApprovers(meetingId: string): Promise<RequiredApprover[] | null> {
		return minutes.getRequiredApprovers(this.#db, meetingId);
	}

	freezeMeeting(meetingId: string, at: string): Promise<boolean> {
		return minutes.freezeMeeting(this.#db, meetingId, at);
	}

	sealMinutes(seal: MinutesSeal): Promise<boolean> {
		return minutes.sealMinutes(this.#db, seal);
	}

	getSeal(meetingId: string): Promise<MinutesSeal | null> {
		return minutes.getSeal(this.#db, meetingId);
	}

	createCorrection(input: { id: string; title: string; previousId: string; update: Uint8Array }): Promise<MeetingRecord | null> {
		return minutes.createCorrection(this.#db, input);
	}

	getVersionLinks(meetingId: string): Promise<VersionLinks> {
		return minutes.getVersionLinks(this.#db, meetingId);
	}

	// ---- notice of approved minutes (anslag): the SQL is in postgres-notices.ts

	setNotice(record: NoticeRecord): Promise<void> {
		return notices.setNotice(this.#db, record);
	}

	getNotice(meetingId: string): Promise<NoticeRecord | null> {
		return notices.getNotice(this.#db, meetingId);
	}
}
