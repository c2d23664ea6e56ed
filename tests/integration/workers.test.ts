/**
 * WORKERS=2: one instance as a primary that owns the port and two worker processes
 * (server/cluster). Real processes, real SQLite (and PostgreSQL + Redis where available):
 * a meeting's connections share a worker, an API change served by the other worker reaches
 * them, a worker killed with SIGKILL is replaced and its clients come back with nothing
 * stored lost, garbage and oversized request heads are closed without harming anyone, and
 * SIGTERM (or a crash of the primary) leaves no process behind.
 */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CLOSE } from '../../src/lib/protocol/index.ts';
import { invite } from './access-helpers.ts';
import { createMeeting, notesOf, notesText, startServerProcess, tempDir, waitFor, type ServerProcess } from './helpers.ts';
import { useCleanup } from './multi-helpers.ts';
import { servicesAvailable, TEST_REDIS_URL } from './services.ts';

const { cleanup, client, database } = useCleanup();

interface LogLine {
	msg?: string;
	worker?: number;
	method?: string;
	path?: string;
	pid?: number;
	pids?: number[];
}

function lines(server: ServerProcess): LogLine[] {
	return server.output.flatMap((line) => {
		try {
			return [JSON.parse(line) as LogLine];
		} catch {
			return [];
		}
	});
}

async function startWorkers(env: Record<string, string> = {}): Promise<{ server: ServerProcess; dataDir: string; pids: number[] }> {
	const dataDir = tempDir();
	const server = await startServerProcess({ dataDir, env: { WORKERS: '2', ...env } });
	cleanup.push(async () => {
		await server.stop('SIGKILL');
		fs.rmSync(dataDir, { recursive: true, force: true });
	});
	const pids = lines(server).find((line) => line.msg === 'listening')!.pids!;
	expect(pids).toHaveLength(2);
	return { server, dataDir, pids };
}

/** An HTTP request on a connection of its own (fetch keeps connections alive, which keeps them on one worker). */
function request(origin: string, method: string, path: string, headers: Record<string, string> = {}): Promise<number> {
	return new Promise((resolve, reject) => {
		const req = http.request(`${origin}${path}`, { method, headers, agent: false }, (res) => {
			res.resume();
			res.on('end', () => resolve(res.statusCode ?? 0));
		});
		req.on('error', reject);
		req.end();
	});
}

/** Writes `data` on a raw TCP connection and resolves with everything the server sent until it closed. */
function raw(port: number, data: string | Buffer, timeoutMs = 5000): Promise<string> {
	return new Promise((resolve, reject) => {
		const socket = net.connect(port, '127.0.0.1');
		const received: Buffer[] = [];
		const timer = setTimeout(() => {
			socket.destroy();
			reject(new Error(`still open after ${timeoutMs} ms`));
		}, timeoutMs);
		socket.on('data', (chunk: Buffer) => received.push(chunk));
		socket.on('error', () => {});
		socket.on('close', () => {
			clearTimeout(timer);
			resolve(Buffer.concat(received).toString('latin1'));
		});
		socket.write(data);
	});
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/** The worker each sync connection of the log joined on. */
function syncWorkers(server: ServerProcess): number[] {
	return lines(server)
		.filter((line) => line.msg === 'sync connected')
		.map((line) => line.worker!);
}

describe('WORKERS=2 on SQLite', () => {
	it('puts a meeting on one worker; an API change served by the other worker reaches its sockets; /metrics covers both', async () => {
		const token = 'metrics-token-for-workers';
		const { server } = await startWorkers({ METRICS_TOKEN: token });
		const meeting = await createMeeting(server.origin);
		const a = client(server.origin, meeting);
		const b = client(server.origin, meeting);
		await Promise.all([a.synced(), b.synced()]);
		notesOf(a.doc).insert(0, 'Från A. ');
		await waitFor(() => notesText(b.doc) === 'Från A. ' && a.allSaved(), 'A’s edit at B');
		notesOf(b.doc).insert(notesText(b.doc).length, 'Från B.');
		await waitFor(() => notesText(a.doc) === 'Från A. Från B.' && b.allSaved(), 'B’s edit at A');
		const joined = syncWorkers(server);
		expect(new Set(joined).size).toBe(1);
		const home = joined[0];

		// Two guests on the meeting's worker; each revocation on a connection of its own, so the two go to different workers.
		const guests = await Promise.all([0, 1].map((i) => invite(server.origin, meeting, { name: `Gäst ${i}`, role: 'guest' })));
		const sockets = guests.map((guest) => client(server.origin, { id: meeting.id, token: guest.token }));
		await Promise.all(sockets.map((s) => s.synced()));
		const served: number[] = [];
		for (const guest of guests) {
			const before = lines(server).length;
			expect(await request(server.origin, 'DELETE', `/api/meetings/${meeting.id}/invitations/${guest.invitationId}`, { authorization: `Bearer ${meeting.token}` })).toBe(204);
			await waitFor(() => lines(server).slice(before).some((line) => line.method === 'DELETE'), 'revocation logged');
			served.push(lines(server).slice(before).find((line) => line.method === 'DELETE')!.worker!);
		}
		expect(served).toContain(1 - home);
		await waitFor(() => sockets.every((s) => s.closes.includes(CLOSE.UNAUTHORIZED)), 'both guests closed with 4401');
		expect(a.closes).toEqual([]);

		// An edit after all of it still goes round.
		notesOf(a.doc).insert(0, '! ');
		await waitFor(() => notesText(b.doc).startsWith('! ') && a.allSaved(), 'later edit at B');

		// Four health checks on connections of their own (two per worker), counted once each in the instance's metrics.
		for (let i = 0; i < 4; i++) expect(await request(server.origin, 'GET', '/healthz')).toBe(200);
		const scraped = await fetch(`${server.origin}/metrics`, { headers: { authorization: `Bearer ${token}` } });
		expect(scraped.status).toBe(200);
		const text = await scraped.text();
		expect(text).toMatch(/^motesrum_http_request_duration_seconds_count\{route="healthz",method="GET",status="200"\} 4$/m);
		expect(text).toMatch(/^motesrum_sync_connections 2$/m);
	}, 30_000);

	it('replaces a worker killed with SIGKILL; its clients come back and nothing stored is lost', async () => {
		const { server, pids } = await startWorkers();
		const meeting = await createMeeting(server.origin);
		const a = client(server.origin, meeting);
		const b = client(server.origin, meeting);
		await Promise.all([a.synced(), b.synced()]);
		notesOf(a.doc).insert(0, 'Sparat före. ');
		await waitFor(() => a.allSaved() && notesText(b.doc) === 'Sparat före. ', 'stored and everywhere');
		const home = syncWorkers(server)[0];

		const beforeKill = lines(server).length;
		process.kill(pids[home], 'SIGKILL');
		// While the meeting's worker restarts, its clients come back on the other one.
		const rejoined = () => syncWorkers({ ...server, output: server.output.slice(beforeKill) });
		await waitFor(() => rejoined().length >= 2 && a.provider.synced && b.provider.synced, 'clients back', 15_000);
		expect(rejoined()).toContain(1 - home);
		await waitFor(() => lines(server).some((line) => line.msg === 'worker restarted' && line.worker === home), 'worker restarted', 15_000);
		expect(lines(server).some((line) => line.msg === 'worker died, restarting it' && line.worker === home)).toBe(true);
		expect(alive(pids[1 - home])).toBe(true);
		// y-websocket reconnects by itself; the meeting's slot has its new worker.
		notesOf(b.doc).insert(notesText(b.doc).length, 'Sparat efter.');
		await waitFor(() => b.allSaved() && notesText(a.doc) === 'Sparat före. Sparat efter.', 'edit after the restart');
		// A new client lands on the restarted worker: the meeting now spans both, and edits cross through the primary.
		const beforeFresh = lines(server).length;
		const fresh = client(server.origin, meeting);
		await fresh.synced();
		await waitFor(() => notesText(fresh.doc) === 'Sparat före. Sparat efter.', 'a new client reads everything');
		expect(syncWorkers({ ...server, output: server.output.slice(beforeFresh) })).toEqual([home]);
		notesOf(fresh.doc).insert(0, 'Ny: ');
		await waitFor(() => fresh.allSaved() && notesText(a.doc) === 'Ny: Sparat före. Sparat efter.', 'from the new worker to the old');
		notesOf(a.doc).insert(notesText(a.doc).length, ' Slut.');
		await waitFor(() => a.allSaved() && notesText(fresh.doc) === 'Ny: Sparat före. Sparat efter. Slut.', 'and back');
	}, 40_000);

	it('closes garbage and oversized request heads, answers malformed URLs as before, and serves everyone else meanwhile', async () => {
		const { server } = await startWorkers();
		const meeting = await createMeeting(server.origin);
		const a = client(server.origin, meeting);
		const b = client(server.origin, meeting);
		await Promise.all([a.synced(), b.synced()]);

		// 20 KiB without a line end: the primary answers 431 and closes.
		expect(await raw(server.port, 'GET /' + 'a'.repeat(20 * 1024))).toMatch(/^HTTP\/1\.1 431 /);
		// A line that is no request: a worker's parser refuses it as a single process would.
		expect(await raw(server.port, 'NOT A REQUEST AT ALL\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 /);
		expect(await raw(server.port, Buffer.from([0, 1, 2, 3, 0x0a, 0xff, 0xfe, 0x0d, 0x0a, 0x0d, 0x0a]))).toMatch(/^(HTTP\/1\.1 400 |$)/);
		// Malformed sync paths reach a worker and get its answers.
		const upgrade = 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n';
		expect(await raw(server.port, `GET /sync/%zz%/confidential?token=x HTTP/1.1\r\nHost: x\r\n${upgrade}`)).toMatch(/^HTTP\/1\.1 400 /);
		expect(await raw(server.port, `GET /sync/${meeting.id}/../${meeting.id}?token=${meeting.token} HTTP/1.1\r\nHost: x\r\n${upgrade}`)).toMatch(/^HTTP\/1\.1 400 /);
		expect(await raw(server.port, `GET /sync/${meeting.id}?token=wrong HTTP/1.1\r\nHost: x\r\n${upgrade}`)).toMatch(/^HTTP\/1\.1 401 /);
		// Absolute form: routed like its path, answered by the worker as by a single process (the app's route).
		expect(await raw(server.port, `GET http://elsewhere/sync/${meeting.id}?token=${meeting.token} HTTP/1.1\r\nHost: x\r\n${upgrade}`)).toMatch(/^HTTP\/1\.1 404 /);
		// A request line in several pieces, then headers and a body: nothing is lost in the hand-over.
		const split = await new Promise<string>((resolve) => {
			const socket = net.connect(server.port, '127.0.0.1');
			const received: Buffer[] = [];
			socket.on('data', (chunk: Buffer) => received.push(chunk));
			socket.on('close', () => resolve(Buffer.concat(received).toString('latin1')));
			const body = JSON.stringify({ title: 'I bitar' });
			const parts = ['PO', 'ST /api/meet', 'ings HTTP/1.1\r\n', 'Host: x\r\nContent-Type: application/json\r\n', `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`, body];
			let i = 0;
			const next = () => {
				if (i < parts.length) socket.write(parts[i++], () => setTimeout(next, 30));
			};
			next();
		});
		expect(split).toMatch(/^HTTP\/1\.1 201 /);

		notesOf(a.doc).insert(0, 'Opåverkad.');
		await waitFor(() => notesText(b.doc) === 'Opåverkad.' && a.allSaved(), 'the meeting still syncs');
		expect(a.closes).toEqual([]);
		expect(b.closes).toEqual([]);
	}, 30_000);

	it('an edit made while another process holds the SQLite write lock is stored once the lock is gone', async () => {
		const { server, dataDir } = await startWorkers();
		const meeting = await createMeeting(server.origin);
		const a = client(server.origin, meeting);
		const b = client(server.origin, meeting);
		await Promise.all([a.synced(), b.synced()]);
		// Held for less than the busy timeout (5 s): the worker's append waits for it instead of failing.
		const locker = new Database(path.join(dataDir, 'motesrum.db'));
		cleanup.push(() => locker.close());
		locker.exec('BEGIN IMMEDIATE');
		notesOf(a.doc).insert(0, 'Under låset.');
		await new Promise((resolve) => setTimeout(resolve, 1000));
		expect(a.allSaved()).toBe(false);
		locker.exec('COMMIT');
		await waitFor(() => a.allSaved() && notesText(b.doc) === 'Under låset.', 'stored and forwarded after the lock');
		const fresh = client(server.origin, meeting);
		await fresh.synced();
		await waitFor(() => notesText(fresh.doc) === 'Under låset.', 'read back');
	}, 40_000);

	it('SIGTERM stops the workers gracefully and exits 0; a crashed primary leaves no worker behind', async () => {
		const first = await startWorkers();
		const meeting = await createMeeting(first.server.origin);
		const a = client(first.server.origin, meeting);
		await a.synced();
		notesOf(a.doc).insert(0, 'Före stopp.');
		await waitFor(() => a.allSaved(), 'saved');
		expect(await first.server.stop('SIGTERM')).toBe(0);
		await waitFor(() => a.closes.includes(CLOSE.UNAVAILABLE), 'client told 4503');
		expect(first.pids.filter(alive)).toEqual([]);
		expect(lines(first.server).filter((line) => line.msg === 'stopped')).toHaveLength(3);

		const second = await startWorkers();
		await second.server.stop('SIGKILL');
		await waitFor(() => second.pids.every((pid) => !alive(pid)), 'workers gone with their primary', 5000);
	}, 60_000);
});

const services = await servicesAvailable('workers.test.ts', 'postgres', 'redis');

describe.skipIf(!services)('WORKERS=2 on PostgreSQL + Redis (each worker an instance)', () => {
	it('syncs a meeting and revokes across workers through Redis', async () => {
		const schema = await database();
		const { server } = await startWorkers({ DATABASE_URL: schema.url, REDIS_URL: TEST_REDIS_URL });
		expect(lines(server).find((line) => line.msg === 'listening')).toMatchObject({ fanout: 'redis (each worker an instance)' });
		const meeting = await createMeeting(server.origin);
		const a = client(server.origin, meeting);
		const b = client(server.origin, meeting);
		await Promise.all([a.synced(), b.synced()]);
		notesOf(a.doc).insert(0, 'Via Redis.');
		await waitFor(() => notesText(b.doc) === 'Via Redis.' && a.allSaved(), 'edit at B');
		const guests = await Promise.all([0, 1].map((i) => invite(server.origin, meeting, { name: `Gäst ${i}`, role: 'guest' })));
		const sockets = guests.map((guest) => client(server.origin, { id: meeting.id, token: guest.token }));
		await Promise.all(sockets.map((s) => s.synced()));
		for (const guest of guests) {
			expect(await request(server.origin, 'DELETE', `/api/meetings/${meeting.id}/invitations/${guest.invitationId}`, { authorization: `Bearer ${meeting.token}` })).toBe(204);
		}
		await waitFor(() => sockets.every((s) => s.closes.includes(CLOSE.UNAUTHORIZED)), 'both guests closed with 4401');
		expect(a.closes).toEqual([]);
	}, 30_000);
});
