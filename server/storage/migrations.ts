/**
 * Every schema change of both engines, numbered once: version N is the same change in
 * SQLite and in PostgreSQL, so the two never drift and a new part adds one entry here.
 *
 * - Append-only: a released migration is never edited; a change is a new version.
 * - Each engine records what it applied in `motesrum_migrations` and applies the rest in
 *   order, in one transaction, under a lock (SQLite: the write lock; PostgreSQL: an
 *   advisory lock per schema), so instances starting at once apply each version once.
 * - SQLite versions 1–7 are idempotent (IF NOT EXISTS, column checks): databases made
 *   before this list existed had those tables without a record of them, and adopt it by
 *   running them again. From version 8 on, SQLite migrations need not be idempotent.
 */
import type Database from 'better-sqlite3';
import type pg from 'pg';
import { newInvitationId } from './invitation-ids.ts';

export interface Migration {
	version: number;
	name: string;
	/** SQL, or a function for a change SQLite cannot express in SQL alone. */
	sqlite: string | ((db: Database.Database) => void);
	postgres: string;
}

/** Adds `id` and `participant_id` to `tokens` when missing, and ids to tokens issued before (SQLite has no ADD COLUMN IF NOT EXISTS). */
function invitationColumns(db: Database.Database): void {
	const columns = new Set((db.prepare('PRAGMA table_info(tokens)').all() as { name: string }[]).map((c) => c.name));
	if (!columns.has('id')) db.exec('ALTER TABLE tokens ADD COLUMN id TEXT');
	if (!columns.has('participant_id')) db.exec('ALTER TABLE tokens ADD COLUMN participant_id TEXT');
	const missing = db.prepare('SELECT hash FROM tokens WHERE id IS NULL').all() as { hash: string }[];
	const setId = db.prepare('UPDATE tokens SET id = ? WHERE hash = ?');
	for (const { hash } of missing) setId.run(newInvitationId(), hash);
	db.exec('CREATE UNIQUE INDEX IF NOT EXISTS tokens_id ON tokens(id)');
}

export const MIGRATIONS: readonly Migration[] = [
	{
		version: 1,
		name: 'meetings, tokens, snapshots, update log',
		sqlite: `
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
`,
		postgres: `
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
	{
		version: 2,
		name: 'minutes approvals, seals, versions',
		sqlite: `
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
CREATE TABLE IF NOT EXISTS meeting_versions (
	meeting_id TEXT PRIMARY KEY REFERENCES meetings(id),
	previous_id TEXT NOT NULL UNIQUE REFERENCES meetings(id)
);
`,
		postgres: `
CREATE TABLE minutes_approvals (
	-- Insertion order, to order approvals with the same time as SQLite's rowid does.
	ord BIGINT GENERATED ALWAYS AS IDENTITY,
	meeting_id TEXT NOT NULL REFERENCES meetings(id),
	action TEXT NOT NULL CHECK (action IN ('ready', 'approve')),
	-- '' when no participant acted (an organiser), so the primary key still holds.
	participant_id TEXT NOT NULL,
	role TEXT NOT NULL,
	name TEXT NOT NULL,
	at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (meeting_id, action, participant_id)
);
CREATE TABLE minutes_seals (
	meeting_id TEXT PRIMARY KEY REFERENCES meetings(id),
	format TEXT NOT NULL,
	fingerprint TEXT NOT NULL,
	state_hash TEXT NOT NULL,
	approved_at TIMESTAMPTZ NOT NULL,
	approvers JSONB NOT NULL
);
CREATE TABLE meeting_versions (
	meeting_id TEXT PRIMARY KEY REFERENCES meetings(id),
	previous_id TEXT NOT NULL UNIQUE REFERENCES meetings(id)
);
`
	},
	{
		version: 3,
		name: 'meeting groups',
		sqlite: `
CREATE TABLE IF NOT EXISTS groups (
	id TEXT PRIMARY KEY REFERENCES meetings(id),
	name TEXT NOT NULL,
	created_at TEXT NOT NULL,
	deleted_at TEXT
);
CREATE TABLE IF NOT EXISTS group_meetings (
	meeting_id TEXT PRIMARY KEY REFERENCES meetings(id),
	group_id TEXT NOT NULL REFERENCES groups(id),
	sequence INTEGER NOT NULL,
	title TEXT NOT NULL,
	date TEXT,
	created_at TEXT NOT NULL,
	UNIQUE (group_id, sequence)
);
`,
		postgres: `
CREATE TABLE groups (
	id TEXT PRIMARY KEY REFERENCES meetings(id),
	name TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	deleted_at TIMESTAMPTZ
);
CREATE TABLE group_meetings (
	meeting_id TEXT PRIMARY KEY REFERENCES meetings(id),
	group_id TEXT NOT NULL REFERENCES groups(id),
	sequence INTEGER NOT NULL,
	title TEXT NOT NULL,
	-- YYYY-MM-DD as given: a DATE column would come back as a JS Date in the process's time zone.
	date TEXT,
	created_at TIMESTAMPTZ NOT NULL,
	UNIQUE (group_id, sequence)
);
`
	},
	{
		version: 4,
		name: 'invitations: token ids and participants',
		sqlite: invitationColumns,
		// Tokens issued before get ids (not secrets: only names for revocation), so they can be listed and revoked too.
		postgres: `
ALTER TABLE tokens ADD COLUMN id TEXT;
ALTER TABLE tokens ADD COLUMN participant_id TEXT;
ALTER TABLE tokens ADD COLUMN seq BIGSERIAL;
UPDATE tokens SET id = substr(md5(random()::text || hash), 1, 16) WHERE id IS NULL;
CREATE UNIQUE INDEX tokens_id ON tokens(id);
`
	},
	{
		version: 5,
		name: 'owners of Yjs client ids',
		sqlite: `
CREATE TABLE IF NOT EXISTS client_owners (
	meeting_id TEXT NOT NULL REFERENCES meetings(id),
	client_id INTEGER NOT NULL,
	principal TEXT NOT NULL,
	claimed_at TEXT NOT NULL,
	PRIMARY KEY (meeting_id, client_id)
) WITHOUT ROWID;
`,
		postgres: `
CREATE TABLE client_owners (
	meeting_id TEXT NOT NULL REFERENCES meetings(id),
	client_id BIGINT NOT NULL,
	principal TEXT NOT NULL,
	claimed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
	PRIMARY KEY (meeting_id, client_id)
);
`
	},
	{
		version: 6,
		name: 'who must approve, fixed at ready',
		sqlite: `
CREATE TABLE IF NOT EXISTS minutes_required_approvers (
	meeting_id TEXT PRIMARY KEY REFERENCES meetings(id),
	approvers TEXT NOT NULL
);
`,
		postgres: `
CREATE TABLE minutes_required_approvers (
	meeting_id TEXT PRIMARY KEY REFERENCES meetings(id),
	approvers JSONB NOT NULL
);
`
	},
	{
		version: 7,
		name: 'notices of approved minutes (anslag)',
		sqlite: `
CREATE TABLE IF NOT EXISTS minutes_notices (
	meeting_id TEXT PRIMARY KEY REFERENCES meetings(id),
	posted_on TEXT NOT NULL,
	take_down_on TEXT NOT NULL,
	kept_at TEXT NOT NULL,
	recorded_by TEXT NOT NULL,
	recorded_at TEXT NOT NULL
);
`,
		postgres: `
CREATE TABLE minutes_notices (
	meeting_id TEXT PRIMARY KEY REFERENCES meetings(id),
	posted_on DATE NOT NULL,
	take_down_on DATE NOT NULL,
	kept_at TEXT NOT NULL,
	recorded_by TEXT NOT NULL,
	recorded_at TIMESTAMPTZ NOT NULL
);
`
	},
	{
		version: 8,
		name: 'sign-in sessions and logins in progress (OIDC)',
		// Times are milliseconds since the epoch: compared with the caller's clock, the same in both engines.
		sqlite: `
CREATE TABLE auth_sessions (
	hash TEXT PRIMARY KEY,
	id TEXT NOT NULL,
	subject TEXT NOT NULL,
	email TEXT,
	name TEXT NOT NULL,
	organiser INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
);
CREATE INDEX auth_sessions_expires ON auth_sessions (expires_at);
CREATE TABLE auth_logins (
	hash TEXT PRIMARY KEY,
	state TEXT NOT NULL,
	nonce TEXT NOT NULL,
	code_verifier TEXT NOT NULL,
	return_to TEXT NOT NULL,
	expires_at INTEGER NOT NULL
);
`,
		postgres: `
CREATE TABLE auth_sessions (
	hash TEXT PRIMARY KEY,
	id TEXT NOT NULL,
	subject TEXT NOT NULL,
	email TEXT,
	name TEXT NOT NULL,
	organiser BOOLEAN NOT NULL,
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL
);
CREATE INDEX auth_sessions_expires ON auth_sessions (expires_at);
CREATE TABLE auth_logins (
	hash TEXT PRIMARY KEY,
	state TEXT NOT NULL,
	nonce TEXT NOT NULL,
	code_verifier TEXT NOT NULL,
	return_to TEXT NOT NULL,
	expires_at BIGINT NOT NULL
);
`
	},
	{
		// Handlingar: which blobs each meeting holds, uploads in progress and
		// the file cookie's sessions (server/files/*-catalog.ts); in PostgreSQL also the blobs
		// themselves, in chunks (server/files/postgres-blob-store.ts; SQLite keeps them as files).
		version: 9,
		name: 'handlingar: files of meetings, uploads, file sessions, blob chunks',
		sqlite: `
CREATE TABLE IF NOT EXISTS file_uploads (
	id TEXT PRIMARY KEY,
	meeting_id TEXT NOT NULL,
	name TEXT NOT NULL,
	type TEXT NOT NULL,
	size INTEGER NOT NULL,
	invitation_id TEXT,
	created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS file_uploads_meeting ON file_uploads(meeting_id);
CREATE TABLE IF NOT EXISTS meeting_files (
	meeting_id TEXT NOT NULL,
	sha256 TEXT NOT NULL,
	size INTEGER NOT NULL,
	type TEXT NOT NULL,
	created_at TEXT NOT NULL,
	PRIMARY KEY (meeting_id, sha256)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS meeting_files_sha ON meeting_files(sha256);
CREATE TABLE IF NOT EXISTS file_sessions (
	hash TEXT PRIMARY KEY,
	meeting_id TEXT NOT NULL,
	token_hash TEXT NOT NULL,
	expires_at TEXT NOT NULL
);
`,
		postgres: `
CREATE TABLE file_uploads (
	id TEXT PRIMARY KEY,
	meeting_id TEXT NOT NULL,
	name TEXT NOT NULL,
	type TEXT NOT NULL,
	size BIGINT NOT NULL,
	invitation_id TEXT,
	created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX file_uploads_meeting ON file_uploads(meeting_id);
CREATE TABLE meeting_files (
	meeting_id TEXT NOT NULL,
	sha256 TEXT NOT NULL,
	size BIGINT NOT NULL,
	type TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
	PRIMARY KEY (meeting_id, sha256)
);
CREATE INDEX meeting_files_sha ON meeting_files(sha256);
CREATE TABLE file_sessions (
	hash TEXT PRIMARY KEY,
	meeting_id TEXT NOT NULL,
	token_hash TEXT NOT NULL,
	expires_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE file_blobs (
	sha256 TEXT PRIMARY KEY,
	size BIGINT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE file_chunks (
	owner TEXT NOT NULL,
	start_offset BIGINT NOT NULL,
	data BYTEA NOT NULL,
	PRIMARY KEY (owner, start_offset)
);
`
	},
	{
		version: 10,
		name: 'secret votes: who has voted, and the count apart',
		// WITHOUT ROWID: no hidden row number records the order in which voters voted.
		sqlite: `
CREATE TABLE secret_vote_counts (
	meeting_id TEXT NOT NULL REFERENCES meetings(id),
	round_id TEXT NOT NULL,
	yes INTEGER NOT NULL DEFAULT 0,
	no INTEGER NOT NULL DEFAULT 0,
	abstain INTEGER NOT NULL DEFAULT 0,
	closed INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (meeting_id, round_id)
) WITHOUT ROWID;
CREATE TABLE secret_voters (
	meeting_id TEXT NOT NULL,
	round_id TEXT NOT NULL,
	participant_id TEXT NOT NULL,
	PRIMARY KEY (meeting_id, round_id, participant_id),
	FOREIGN KEY (meeting_id, round_id) REFERENCES secret_vote_counts(meeting_id, round_id)
) WITHOUT ROWID;
`,
		postgres: `
CREATE TABLE secret_vote_counts (
	meeting_id TEXT NOT NULL REFERENCES meetings(id),
	round_id TEXT NOT NULL,
	yes INTEGER NOT NULL DEFAULT 0,
	no INTEGER NOT NULL DEFAULT 0,
	abstain INTEGER NOT NULL DEFAULT 0,
	closed BOOLEAN NOT NULL DEFAULT false,
	PRIMARY KEY (meeting_id, round_id)
);
CREATE TABLE secret_voters (
	meeting_id TEXT NOT NULL,
	round_id TEXT NOT NULL,
	participant_id TEXT NOT NULL,
	PRIMARY KEY (meeting_id, round_id, participant_id),
	FOREIGN KEY (meeting_id, round_id) REFERENCES secret_vote_counts(meeting_id, round_id)
);
`
	},
	{
		version: 11,
		name: 'confidential parts: the content of confidential items, a log of its own',
		sqlite: `
CREATE TABLE confidential_snapshots (
	meeting_id TEXT PRIMARY KEY REFERENCES meetings(id),
	data BLOB NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE TABLE confidential_updates (
	seq INTEGER PRIMARY KEY AUTOINCREMENT,
	meeting_id TEXT NOT NULL REFERENCES meetings(id),
	data BLOB NOT NULL
);
CREATE INDEX confidential_updates_meeting_seq ON confidential_updates(meeting_id, seq);
`,
		postgres: `
CREATE TABLE confidential_snapshots (
	meeting_id TEXT PRIMARY KEY REFERENCES meetings(id),
	data BYTEA NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE confidential_updates (
	seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	meeting_id TEXT NOT NULL REFERENCES meetings(id),
	data BYTEA NOT NULL
);
CREATE INDEX confidential_updates_meeting_seq ON confidential_updates(meeting_id, seq);
`
	},
	{
		// A meeting lets go of the bytes its document names only in removed entries
		// (server/files/service.ts reclaim): the entries naming them when they were last
		// uploaded tell an upload not listed yet (keeps counting) from a listing since removed.
		version: 12,
		name: 'handlingar: entries naming a file when it was last uploaded',
		sqlite: 'ALTER TABLE meeting_files ADD COLUMN entries_at_upload INTEGER NOT NULL DEFAULT 0;',
		postgres: 'ALTER TABLE meeting_files ADD COLUMN entries_at_upload INTEGER NOT NULL DEFAULT 0;'
	}
];

const LEDGER = `CREATE TABLE IF NOT EXISTS motesrum_migrations (
	version INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	applied_at TEXT NOT NULL
)`;

export type MigrationLog = (migration: Migration) => void;

/** Applies the pending migrations to a SQLite database, in one IMMEDIATE transaction. */
export function migrateSqlite(db: Database.Database, applied: MigrationLog = () => {}, migrations = MIGRATIONS): void {
	db.transaction(() => {
		db.exec(LEDGER);
		const done = new Set((db.prepare('SELECT version FROM motesrum_migrations').all() as { version: number }[]).map((r) => r.version));
		const record = db.prepare('INSERT INTO motesrum_migrations (version, name, applied_at) VALUES (?, ?, ?)');
		for (const migration of migrations) {
			if (done.has(migration.version)) continue;
			if (typeof migration.sqlite === 'string') db.exec(migration.sqlite);
			else migration.sqlite(db);
			record.run(migration.version, migration.name, new Date().toISOString());
			applied(migration);
		}
	}).immediate();
}

/** Applies the pending migrations on one PostgreSQL connection that is inside a transaction. */
export async function migratePostgres(client: pg.PoolClient, applied: MigrationLog = () => {}, migrations = MIGRATIONS): Promise<void> {
	// Per schema, so test runs in their own schemas do not wait for each other.
	await client.query(`SELECT pg_advisory_xact_lock(hashtextextended('motesrum:migrate:' || current_schema(), 0))`);
	await client.query(`CREATE TABLE IF NOT EXISTS motesrum_migrations (
		version INTEGER PRIMARY KEY,
		name TEXT NOT NULL,
		applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
	)`);
	const done = new Set((await client.query<{ version: number }>('SELECT version FROM motesrum_migrations')).rows.map((r) => r.version));
	for (const migration of migrations) {
		if (done.has(migration.version)) continue;
		await client.query(migration.postgres);
		await client.query('INSERT INTO motesrum_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
		applied(migration);
	}
}
