/**
 * An update is forwarded to the other connections in the turn it arrives, but its bytes
 * leave the process only after its append is committed (server/shared/turn.ts). Here the
 * commit is held back for real: a PostgreSQL lock on the log table while the server keeps
 * running, then the process is killed; and an SQLite write lock that outlasts the busy
 * timeout, so the append fails. Neither update may reach anyone before it is stored. After
 * the crash, an observer whose device holds an update the server lacks (it got it some
 * other way) resyncs: told once that its edits are not kept, never closed, and nothing of it
 * is applied; the writer's resend then stores it.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { connectWithNotices, invite } from './access-helpers.ts';
import { createMeeting, freePort, notesOf, notesText, startServerProcess, tempDir, waitFor, type ServerProcess } from './helpers.ts';
import { useCleanup } from './multi-helpers.ts';
import { servicesAvailable } from './services.ts';

const { cleanup, client, database } = useCleanup();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function serverAt(port: number, dataDir: string, env: Record<string, string> = {}): Promise<ServerProcess> {
	const server = await startServerProcess({ dataDir, port, env });
	cleanup.push(() => server.stop('SIGKILL'));
	return server;
}

const available = await servicesAvailable('forward-commit.test.ts', 'postgres');

describe.skipIf(!available)('forwarding waits for the commit (PostgreSQL)', () => {
	it('an update whose commit hangs reaches nobody; after a crash the writer resends it, and an observer holding it is not refused', async () => {
		const schema = await database();
		const dataDir = tempDir();
		cleanup.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
		const port = await freePort();
		const env = { DATABASE_URL: schema.url };
		let server = await serverAt(port, dataDir, env);
		const meeting = await createMeeting(server.origin);
		const observerLink = await invite(server.origin, meeting, { name: 'Åhörare', role: 'observer' });

		const writer = client(server.origin, meeting);
		const member = client(server.origin, meeting);
		const observer = connectWithNotices(server.origin, meeting.id, observerLink.token);
		cleanup.push(() => observer.destroy());
		await Promise.all([writer.synced(), member.synced(), observer.synced()]);
		notesOf(writer.doc).insert(0, 'Stored. ');
		await waitFor(() => writer.allSaved() && notesText(member.doc) === 'Stored. ' && notesText(observer.doc) === 'Stored. ', 'first edit everywhere');

		// Hold every append: the INSERT waits for this lock while the server's loop runs on.
		const locker = new pg.Client({ connectionString: schema.url });
		await locker.connect();
		cleanup.push(() => locker.end());
		await locker.query('BEGIN');
		await locker.query(`LOCK TABLE ${schema.name}.updates IN ACCESS EXCLUSIVE MODE`);
		const before = Y.encodeStateVector(writer.doc);
		notesOf(writer.doc).insert(notesText(writer.doc).length, 'Lost in flight.');
		const unsaved = Y.encodeStateAsUpdate(writer.doc, before);
		// The loop is free (it answers), the update is judged and applied, but its frame waits for the commit.
		await sleep(300);
		expect((await fetch(`${server.origin}/healthz`)).status).toBeLessThan(600);
		await sleep(700);
		expect(notesText(member.doc)).toBe('Stored. ');
		expect(notesText(observer.doc)).toBe('Stored. ');
		expect(writer.allSaved()).toBe(false);

		await server.stop('SIGKILL');
		await locker.query('ROLLBACK');
		// Everyone stays away until the observer has come back alone.
		writer.provider.disconnect();
		member.provider.disconnect();
		observer.provider.disconnect();
		// The observer's device got the update some other way (another tab, a copy): the server lacks it.
		Y.applyUpdate(observer.doc, unsaved);

		server = await serverAt(port, dataDir, env);
		observer.provider.connect();
		await waitFor(() => observer.provider.synced && observer.notices.some((notice) => notice.code === 'read-only'), 'observer back, told its edits are not kept');
		// Nothing of it was applied: a fresh reader sees only what is stored.
		const reader = client(server.origin, meeting);
		await reader.synced();
		await sleep(200);
		expect(notesText(reader.doc)).toBe('Stored. ');

		// The writer still holds the update as unsaved and resends it on reconnect: stored, then everywhere.
		writer.provider.connect();
		member.provider.connect();
		const full = 'Stored. Lost in flight.';
		await waitFor(
			() => writer.allSaved() && [member, observer, reader].every((other) => notesText(other.doc) === full),
			'resent, stored and forwarded'
		);
		expect(notesText(writer.doc)).toBe(full);
		// No refusal and no loop: one notice, and nobody was closed for it.
		expect(observer.notices.filter((notice) => notice.code === 'read-only')).toHaveLength(1);
		expect(observer.provider.wsconnected).toBe(true);
		for (const c of [writer, member, observer, reader]) expect(c.closes.filter((code) => code >= 4400 && code < 4500)).toEqual([]);
	}, 60_000);
});

describe('forwarding waits for the commit (SQLite)', () => {
	it('an update whose append fails is never forwarded, and the writer resends it', async () => {
		const dataDir = tempDir();
		cleanup.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
		const server = await serverAt(await freePort(), dataDir);
		const meeting = await createMeeting(server.origin);
		const writer = client(server.origin, meeting);
		const member = client(server.origin, meeting);
		await Promise.all([writer.synced(), member.synced()]);
		notesOf(writer.doc).insert(0, 'Stored. ');
		await waitFor(() => writer.allSaved() && notesText(member.doc) === 'Stored. ', 'first edit everywhere');

		// Another process holds the write lock past the server's busy timeout (5 s): the append fails.
		const locker = new Database(path.join(dataDir, 'motesrum.db'));
		cleanup.push(() => locker.close());
		locker.exec('BEGIN IMMEDIATE');
		notesOf(writer.doc).insert(notesText(writer.doc).length, 'Refused by the disk.');
		await waitFor(() => writer.closes.length > 0, 'the room failed and closed its connections', 15_000);
		expect(notesText(member.doc)).toBe('Stored. ');
		locker.exec('ROLLBACK');

		// Both reconnect on their own; the writer's unsaved edit is stored and reaches the member.
		const full = 'Stored. Refused by the disk.';
		await waitFor(() => writer.allSaved() && notesText(member.doc) === full, 'resent after the failure', 20_000);
		expect(member.closes.filter((code) => code >= 4400 && code < 4500)).toEqual([]);
	}, 60_000);
});
