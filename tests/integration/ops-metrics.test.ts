/**
 * Operations over HTTP: /metrics (own port, or the main port behind METRICS_TOKEN) scraped
 * while a real client edits, and the request id in headers, error bodies and log lines.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../server/index.ts';
import { defaultConfig, type ServerConfig } from '../../server/config.ts';
import { createLogger } from '../../server/log.ts';
import { connectClient, createMeeting, notesOf, tempDir, waitFor } from './helpers.ts';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
	while (cleanup.length) await cleanup.pop()!();
});

const TOKEN = 'metrics-token-for-tests-0123456789';

async function start(overrides: Partial<ServerConfig> = {}) {
	const dataDir = tempDir();
	const lines: Record<string, unknown>[] = [];
	const sink = new Writable({
		write(chunk: Buffer, _encoding, done) {
			for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
			done();
		}
	});
	const config: ServerConfig = {
		...defaultConfig,
		port: 0,
		host: '127.0.0.1',
		dataDir,
		logLevel: 'info',
		appHandlerPath: path.join(dataDir, 'no-build', 'handler.js'),
		...overrides
	};
	const server: RunningServer = await startServer(config, { logger: createLogger('info', sink) });
	cleanup.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
	cleanup.push(() => server.close());
	return { server, origin: `http://127.0.0.1:${server.port}`, lines };
}

/** The value of one sample line, e.g. `motesrum_rooms_loaded 1`. */
function sample(text: string, name: string): number {
	const line = text.split('\n').find((l) => l.startsWith(`${name} `));
	if (!line) throw new Error(`no sample ${name} in\n${text.slice(0, 2000)}`);
	return Number(line.slice(name.length + 1));
}

describe('/metrics', () => {
	it('on the main port answers only the bearer of METRICS_TOKEN, and counts rooms, connections, storage and HTTP', async () => {
		const { origin } = await start({ metricsToken: TOKEN });
		expect((await fetch(`${origin}/metrics`)).status).toBe(401);
		expect((await fetch(`${origin}/metrics`, { headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status).toBe(401);

		const meeting = await createMeeting(origin);
		const client = connectClient(origin, meeting.id, meeting.token);
		cleanup.push(() => client.destroy());
		await client.synced();
		notesOf(client.doc).insert(0, 'Punkt 1');
		await waitFor(() => client.allSaved(), 'edit saved');

		const scrape = async () => {
			const res = await fetch(`${origin}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
			expect(res.status).toBe(200);
			expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
			return res.text();
		};
		// The organiser's socket that wrote the sample meeting (createMeeting) may still be closing.
		await waitFor(async () => sample(await scrape(), 'motesrum_websockets_open') === 1, 'one socket open');
		const text = await scrape();
		expect(sample(text, 'motesrum_rooms_loaded')).toBe(1);
		expect(sample(text, 'motesrum_sync_connections')).toBe(1);
		expect(sample(text, 'motesrum_storage_commit_seconds_count{operation="appendUpdate"}')).toBeGreaterThanOrEqual(1);
		expect(sample(text, 'motesrum_http_request_duration_seconds_count{route="api",method="POST",status="201"}')).toBe(1);
		expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(10_000_000);
		expect(sample(text, 'nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
		for (const name of ['motesrum_sync_updates_received_total', 'motesrum_sync_updates_sent_total', 'motesrum_sync_saved_ack_seconds_count', 'motesrum_sync_fanout_lag_seconds_count']) {
			expect(text).toContain(`# TYPE ${name.replace(/_count$/, '')} `);
		}

		client.destroy();
		await waitFor(async () => {
			const after = await (await fetch(`${origin}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
			return sample(after, 'motesrum_rooms_loaded') === 0 && sample(after, 'motesrum_sync_connections') === 0;
		}, 'room unloaded in the metrics');
	});

	it('counts a real edit: updates in and out, saved acknowledgements, presence, refused writes by reason', async () => {
		const { server, origin } = await start({ metricsPort: 0, metricsHost: '127.0.0.1' });
		const scrape = async () => (await fetch(`http://127.0.0.1:${server.metricsPort}/metrics`)).text();
		const meeting = await createMeeting(origin);
		const invited = await fetch(`${origin}/api/meetings/${meeting.id}/invitations`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: `Bearer ${meeting.token}` },
			body: JSON.stringify({ name: 'Åhörare', role: 'observer' })
		});
		const observerToken = ((await invited.json()) as { token: string }).token;
		const writer = connectClient(origin, meeting.id, meeting.token);
		const observer = connectClient(origin, meeting.id, observerToken);
		cleanup.push(() => writer.destroy(), () => observer.destroy());
		await writer.synced();
		await observer.synced();
		const before = await scrape();

		notesOf(writer.doc).insert(0, 'Beslut: budgeten antas.');
		// Where the writer is (a presence change: the first state a client announces carries clock 0 and changes nothing).
		writer.provider.awareness.setLocalStateField('focus', { itemId: 'item-1' });
		await waitFor(() => writer.allSaved() && notesOf(observer.doc).toString().startsWith('Beslut'), 'edit saved and delivered');
		await waitFor(() => [...observer.provider.awareness.getStates().values()].some((state) => 'focus' in state), 'presence delivered');
		// The observer's link may not write: its edit is refused as read-only.
		notesOf(observer.doc).insert(0, 'x');
		await waitFor(async () => (await scrape()).includes('motesrum_sync_writes_refused_total{reason="read-only"} 1'), 'refusal counted');
		const after = await scrape();
		const delta = (name: string) => sample(after, name) - (before.includes(`\n${name} `) ? sample(before, name) : 0);
		expect(delta('motesrum_sync_updates_received_total')).toBeGreaterThanOrEqual(2);
		expect(delta('motesrum_sync_update_bytes_received_total')).toBeGreaterThan(0);
		// The writer's edit went to the observer.
		expect(delta('motesrum_sync_updates_sent_total')).toBeGreaterThanOrEqual(1);
		expect(delta('motesrum_sync_saved_ack_seconds_count')).toBeGreaterThanOrEqual(1);
		expect(sample(after, 'motesrum_sync_presence_bytes_total{direction="in"}')).toBeGreaterThan(0);
		expect(sample(after, 'motesrum_sync_presence_bytes_total{direction="out"}')).toBeGreaterThan(0);
		expect(sample(after, 'motesrum_storage_commit_seconds_count{operation="appendUpdate"}')).toBeGreaterThanOrEqual(2);
		expect(sample(after, 'motesrum_sync_connections')).toBe(2);
	});

	it('on a port of its own answers without a token, and the main port does not serve it', async () => {
		const { server, origin } = await start({ metricsPort: 0, metricsHost: '127.0.0.1' });
		expect(server.metricsPort).not.toBeNull();
		const own = await fetch(`http://127.0.0.1:${server.metricsPort}/metrics`);
		expect(own.status).toBe(200);
		expect(await own.text()).toContain('motesrum_rooms_loaded 0');
		expect((await fetch(`http://127.0.0.1:${server.metricsPort}/api/instance`)).status).toBe(404);
		const main = await fetch(`${origin}/metrics`);
		expect(await main.text()).not.toContain('motesrum_rooms_loaded');
	});
});

describe('request id', () => {
	it('is in the answer header, the error body and every log line of the request', async () => {
		const { origin, lines } = await start();
		const res = await fetch(`${origin}/api/meetings`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', origin: 'https://elsewhere.example' },
			body: JSON.stringify({ title: 'x' })
		});
		expect(res.status).toBe(403);
		const id = res.headers.get('x-request-id');
		expect(id).toMatch(/^[0-9a-f-]{36}$/);
		expect(await res.json()).toEqual({ error: 'Cross-origin request refused', requestId: id });
		await waitFor(() => lines.some((l) => l.msg === 'request' && l.reqId === id), 'access log line');
		const mine = lines.filter((l) => l.reqId === id);
		expect(mine.map((l) => l.msg).sort()).toEqual(['cross-origin request refused', 'request']);
		expect(mine.find((l) => l.msg === 'request')).toMatchObject({ method: 'POST', path: '/api/meetings', status: 403 });

		const other = await fetch(`${origin}/api/instance`);
		expect(other.headers.get('x-request-id')).not.toBe(id);
	});

	it("takes a trusted proxy's X-Request-Id, and ignores it from anyone else", async () => {
		const proxied = await start({ trustProxy: true });
		const given = 'proxy-7f3a9c21-req';
		expect((await fetch(`${proxied.origin}/api/nothing`, { headers: { 'x-request-id': given } })).headers.get('x-request-id')).toBe(given);
		// Not an id: replaced, so a log line cannot be forged through the header.
		expect((await fetch(`${proxied.origin}/api/nothing`, { headers: { 'x-request-id': 'a b {"msg":"forged"}' } })).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

		const direct = await start();
		expect((await fetch(`${direct.origin}/api/nothing`, { headers: { 'x-request-id': given } })).headers.get('x-request-id')).not.toBe(given);
	});
});
