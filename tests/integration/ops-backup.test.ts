/**
 * Backup and restore round trip: an online backup of a running server's SQLite database
 * (through the CLI), edits after it, a restore into a fresh data directory, and the
 * restored server serves exactly what was there at the backup.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../server/index.ts';
import { defaultConfig } from '../../server/config.ts';
import { createLogger } from '../../server/log.ts';
import { backupSqlite, restoreSqlite } from '../../server/ops/backup.ts';
import { pdfBytes } from './file-store-contract.ts';
import { connectClient, createMeeting, notesOf, notesText, tempDir, waitFor } from './helpers.ts';

/** Uploads a handling's bytes through the API; returns its SHA-256 (the blob's name in the data directory). */
async function upload(origin: string, meeting: { id: string; token: string }, bytes: Buffer): Promise<string> {
	const call = async (method: string, url: string, body?: RequestInit['body'], headers: Record<string, string> = {}) => {
		const res = await fetch(`${origin}/api/meetings/${meeting.id}${url}`, { method, body, headers: { authorization: `Bearer ${meeting.token}`, ...headers } });
		expect(res.ok, `${method} ${url}`).toBe(true);
		return res.json() as Promise<{ uploadId: string; sha256: string }>;
	};
	const { uploadId } = await call('POST', '/uploads', JSON.stringify({ name: 'Budget.pdf', type: 'application/pdf', size: bytes.length }), {
		'content-type': 'application/json'
	});
	await call('PATCH', `/uploads/${uploadId}`, new Blob([new Uint8Array(bytes)]), { 'upload-offset': '0' });
	return (await call('POST', `/uploads/${uploadId}/finish`)).sha256;
}

const blobIn = (dataDir: string, sha256: string) => path.join(dataDir, 'files', 'blobs', sha256.slice(0, 2), sha256);

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
	while (cleanup.length) await cleanup.pop()!();
});

function dir(): string {
	const made = tempDir();
	cleanup.push(() => fs.rmSync(made, { recursive: true, force: true }));
	return made;
}

async function start(dataDir: string): Promise<{ server: RunningServer; origin: string }> {
	const server = await startServer(
		{ ...defaultConfig, port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent', appHandlerPath: path.join(dataDir, 'none.js') },
		{ logger: createLogger('silent') }
	);
	cleanup.push(() => server.close());
	return { server, origin: `http://127.0.0.1:${server.port}` };
}

/** `npm run backup -- …` as run from source (the built CLI is the same code bundled). */
function backupCli(args: string[], env: Record<string, string>) {
	return run(process.execPath, ['--import', 'tsx', 'server/ops/backup-cli.ts', ...args], { cwd: root, env: { ...process.env, ...env } });
}

async function type(origin: string, meeting: { id: string; token: string }, text: string): Promise<void> {
	const client = connectClient(origin, meeting.id, meeting.token);
	await client.synced();
	const notes = notesOf(client.doc);
	notes.insert(notes.length, text);
	await waitFor(() => client.allSaved(), 'edit saved');
	client.destroy();
}

async function read(origin: string, meeting: { id: string; token: string }): Promise<string> {
	const client = connectClient(origin, meeting.id, meeting.token);
	cleanup.push(() => client.destroy());
	await client.synced();
	return notesText(client.doc);
}

// The CLI runs as child processes through tsx, whose start alone takes seconds on a busy machine.
const CLI_TIMEOUT = 90_000;

describe('backup and restore (SQLite)', () => {
	it('backs up a running server and restores exactly that state', async () => {
		const live = dir();
		const { server, origin } = await start(live);
		const meeting = await createMeeting(origin, 'Ledningsgrupp 9 juni');
		await type(origin, meeting, 'Före säkerhetskopian.');
		const handling = pdfBytes(300_000);
		const sha256 = await upload(origin, meeting, handling);

		const file = path.join(dir(), 'backups', 'motesrum-backup.db');
		const { stdout } = await backupCli([file], { DATA_DIR: live });
		expect(JSON.parse(stdout)).toMatchObject({ file, meetings: 1, files: 1, fileBytes: handling.length });
		await type(origin, meeting, ' Efter.');
		expect(await read(origin, meeting)).toBe('Före säkerhetskopian. Efter.');
		await server.close();

		const restored = dir();
		const restore = await backupCli(['--restore', file], { DATA_DIR: restored });
		expect(JSON.parse(restore.stdout)).toMatchObject({ restored: file, meetings: 1, files: 1, previous: null });
		expect(fs.readFileSync(blobIn(restored, sha256)).equals(handling), 'the handling restored byte for byte').toBe(true);
		const again = await start(restored);
		expect(await read(again.origin, meeting)).toBe('Före säkerhetskopian.');
		const res = await fetch(`${again.origin}/api/meetings/${meeting.id}`, { headers: { authorization: `Bearer ${meeting.token}` } });
		expect(await res.json()).toMatchObject({ title: 'Ledningsgrupp 9 juni', role: 'organiser' });
	}, CLI_TIMEOUT);

	it('keeps the database it replaces, and refuses what is not a Mötesrum database', async () => {
		const source = dir();
		await (await start(source)).server.close();
		const file = path.join(dir(), 'a.db');
		await backupSqlite(source, file);
		await expect(backupSqlite(source, file)).rejects.toThrow(/exists already/);

		const target = dir();
		await (await start(target)).server.close();
		const { previous } = restoreSqlite(file, target);
		expect(previous && fs.existsSync(previous)).toBe(true);

		const junk = path.join(dir(), 'junk.db');
		fs.writeFileSync(junk, 'not a database');
		expect(() => restoreSqlite(junk, dir())).toThrow();
		await expect(backupSqlite(dir(), path.join(dir(), 'x.db'))).rejects.toThrow(/No database at/);
	});

	it('with DATABASE_URL prints the pg_dump and pg_restore lines instead', async () => {
		const failed = await backupCli(['out.dump'], { DATABASE_URL: 'postgres://u@127.0.0.1:5432/db' }).catch((error: { code: number; stderr: string }) => error);
		expect('code' in failed && failed.code).toBe(2);
		expect((failed as { stderr: string }).stderr).toMatch(/pg_dump --format=custom --no-owner --file="out.dump" "\$DATABASE_URL"/);
		expect((failed as { stderr: string }).stderr).toMatch(/pg_restore --clean/);
	}, CLI_TIMEOUT);
});
