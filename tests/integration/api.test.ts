/**
 * The HTTP API of the real server process: creating and reading meetings, and
 * every refusal with its status and `{ error }` body.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, createMeeting, startServerProcess, tempDir } from './helpers.ts';

let server: ServerProcess;
let dataDir: string;

beforeAll(async () => {
	dataDir = tempDir();
	server = await startServerProcess({ dataDir, env: { PUBLIC_ORIGIN: 'https://motesrum.example.se' } });
});

afterAll(async () => {
	await server?.stop();
	fs.rmSync(dataDir, { recursive: true, force: true });
});

function post(body: string, contentType = 'application/json'): Promise<Response> {
	return fetch(`${server.origin}/api/meetings`, { method: 'POST', headers: { 'content-type': contentType }, body });
}

async function expectError(res: Response, status: number, message: RegExp): Promise<void> {
	expect(res.status).toBe(status);
	expect(res.headers.get('content-type')).toMatch(/^application\/json/);
	const body = (await res.json()) as { error: string };
	expect(body.error).toMatch(message);
}

describe('HTTP API', () => {
	it('GET /healthz reports ok, storage and room counts', async () => {
		const res = await fetch(`${server.origin}/healthz`);
		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({ ok: true, storage: 'ok', rooms: 0, connections: 0 });
	});

	it('creates a meeting with an id, a token and a link carrying the token in its fragment', async () => {
		const res = await post(JSON.stringify({ title: '  Samverkansgrupp 2023-06-09  ' }));
		expect(res.status).toBe(201);
		const body = (await res.json()) as { id: string; token: string; url: string };
		expect(body.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
		expect(body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
		expect(body.url).toBe(`https://motesrum.example.se/m/${body.id}#token=${body.token}`);

		const read = await fetch(`${server.origin}/api/meetings/${body.id}`, { headers: { authorization: `Bearer ${body.token}` } });
		expect(read.status).toBe(200);
		expect(await read.json()).toEqual({
			id: body.id,
			title: 'Samverkansgrupp 2023-06-09',
			epoch: 1,
			frozenAt: null,
			role: 'organiser',
			participantId: null,
			name: '',
			invitationId: expect.stringMatching(/^[A-Za-z0-9_-]{16}$/),
			permissions: expect.arrayContaining(['invitations.manage', 'record.write'])
		});
	});

	it('stores only the hash of the token', async () => {
		const { token } = await createMeeting(server.origin);
		const db = fs.readFileSync(`${dataDir}/motesrum.db`);
		const wal = fs.existsSync(`${dataDir}/motesrum.db-wal`) ? fs.readFileSync(`${dataDir}/motesrum.db-wal`) : Buffer.alloc(0);
		expect(db.includes(token)).toBe(false);
		expect(wal.includes(token)).toBe(false);
	});

	it('refuses bad bodies with clear errors', async () => {
		await expectError(await post('{"title": '), 400, /not valid JSON/);
		await expectError(await post('{}'), 400, /title is required/);
		await expectError(await post('[]'), 400, /JSON object/);
		await expectError(await post(JSON.stringify({ title: 42 })), 400, /title is required/);
		await expectError(await post(JSON.stringify({ title: '   ' })), 400, /must not be empty/);
		await expectError(await post(JSON.stringify({ title: 'x'.repeat(201) })), 400, /at most 200/);
		expect((await post(JSON.stringify({ title: 'x'.repeat(200) }))).status).toBe(201);
		await expectError(await post('title=Hej', 'application/x-www-form-urlencoded'), 415, /application\/json/);
		await expectError(await post(JSON.stringify({ title: 'x'.repeat(70 * 1024) })), 413, /larger than/);
	});

	it('reads a meeting only with its own token', async () => {
		const m = await createMeeting(server.origin);
		const other = await createMeeting(server.origin);
		const url = `${server.origin}/api/meetings/${m.id}`;
		await expectError(await fetch(url), 401, /token/);
		await expectError(await fetch(url, { headers: { authorization: `Bearer ${other.token}` } }), 401, /token/);
		await expectError(await fetch(url, { headers: { authorization: m.token } }), 401, /token/);
		await expectError(
			await fetch(`${server.origin}/api/meetings/AAAAAAAAAAAAAAAAAAAAAA`, { headers: { authorization: `Bearer ${m.token}` } }),
			404,
			/not found/
		);
		await expectError(await fetch(`${server.origin}/api/meetings/nope`), 400, /Malformed/);
	});

	it('answers unknown API paths and wrong methods in JSON', async () => {
		await expectError(await fetch(`${server.origin}/api/nothing`), 404, /No such API endpoint/);
		const res = await fetch(`${server.origin}/api/meetings`, { method: 'DELETE' });
		await expectError(res, 405, /not allowed/);
		expect(res.headers.get('allow')).toBe('POST');
	});

	it('logs requests without tokens', async () => {
		const m = await createMeeting(server.origin);
		await fetch(`${server.origin}/api/meetings/${m.id}`, { headers: { authorization: `Bearer ${m.token}` } });
		await fetch(`${server.origin}/sync/${m.id}?token=${m.token}`);
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(server.output.some((line) => line.includes(`/api/meetings/${m.id}`))).toBe(true);
		expect(server.output.some((line) => line.includes(m.token))).toBe(false);
	});
});
