/**
 * DELETE /api/meetings/:id on the real server process: only the organiser, open sync
 * connections closed with CLOSE.NOT_FOUND, and afterwards the meeting answers 404 to
 * the API and the upgrade, with nothing of it stored any more.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE } from '../../src/lib/protocol/index.ts';
import { type ServerProcess, connectClient, createMeeting, startServerProcess, tempDir, upgradeStatus, waitFor, notesOf } from './helpers.ts';

let server: ServerProcess;
let dataDir: string;

beforeAll(async () => {
	dataDir = tempDir();
	server = await startServerProcess({ dataDir });
});

afterAll(async () => {
	await server?.stop();
	fs.rmSync(dataDir, { recursive: true, force: true });
});

function remove(id: string, token: string | null): Promise<Response> {
	return fetch(`${server.origin}/api/meetings/${id}`, {
		method: 'DELETE',
		headers: token ? { authorization: `Bearer ${token}` } : {}
	});
}

function storedRows(id: string): number {
	const db = new Database(path.join(dataDir, 'motesrum.db'), { readonly: true });
	try {
		const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table} WHERE meeting_id = ?`).get(id) as { n: number }).n;
		return count('updates') + count('snapshots');
	} finally {
		db.close();
	}
}

describe('DELETE /api/meetings/:id', () => {
	it('closes open connections with 4404; afterwards GET, upgrade and DELETE answer 404 and nothing is stored', async () => {
		const { id, token } = await createMeeting(server.origin);
		const other = await createMeeting(server.origin, 'Nämnd');
		const client = connectClient(server.origin, id, token);
		try {
			await client.synced();
			notesOf(client.doc).insert(0, 'Beslut: godkänt');
			await waitFor(() => client.allSaved(), 'edit saved');
			expect(storedRows(id)).toBeGreaterThan(0);

			expect((await remove(id, null)).status).toBe(401);
			expect((await remove(id, other.token)).status).toBe(401);
			const deleted = await remove(id, token);
			expect(deleted.status).toBe(204);

			await waitFor(() => client.closes.includes(CLOSE.NOT_FOUND), 'close 4404');
			expect(client.provider.shouldConnect).toBe(false);
			expect(storedRows(id)).toBe(0);

			const read = await fetch(`${server.origin}/api/meetings/${id}`, { headers: { authorization: `Bearer ${token}` } });
			expect(read.status).toBe(404);
			expect(await upgradeStatus(`${server.origin.replace(/^http/, 'ws')}/sync/${id}?token=${token}`)).toBe(404);
			expect((await remove(id, token)).status).toBe(404);
			// Another meeting is untouched.
			const kept = await fetch(`${server.origin}/api/meetings/${other.id}`, { headers: { authorization: `Bearer ${other.token}` } });
			expect(kept.status).toBe(200);
		} finally {
			client.destroy();
		}
	});

	it('refuses a member invited through the meeting group (403)', async () => {
		const group = (await (
			await fetch(`${server.origin}/api/groups`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ name: 'Ledningsgrupp' })
			})
		).json()) as { id: string; token: string };
		const invited = (await (
			await fetch(`${server.origin}/api/groups/${group.id}/invitations`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', authorization: `Bearer ${group.token}` },
				body: JSON.stringify({ role: 'member', label: 'Ledamot' })
			})
		).json()) as { token: string };
		const meeting = (await (
			await fetch(`${server.origin}/api/groups/${group.id}/meetings`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', authorization: `Bearer ${group.token}` },
				body: JSON.stringify({})
			})
		).json()) as { id: string };

		expect((await remove(meeting.id, invited.token)).status).toBe(403);
		expect((await remove(meeting.id, group.token)).status).toBe(204);
	});
});
