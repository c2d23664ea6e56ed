/**
 * 2c. Join storm: C clients in K meetings are connected and synced with some content,
 * then the server restarts (SIGTERM, a new process on the same port and data). The
 * clients reconnect on their own (y-websocket backoff: 100 ms doubling up to 2.5 s, no
 * jitter); measured is the time until every one of them is synced again, from the new
 * server listening and from the stop signal.
 * Ours reloads each meeting from SQLite; the reference restarts empty and every client
 * uploads its whole document again.
 */
import { type BenchClient, connectClient, waitSynced } from '../lib/clients.ts';
import type { BenchResult } from '../lib/report.ts';
import { type ServerKind, startServer, tempDir } from '../lib/servers.ts';
import { median, round, waitUntil } from '../lib/stats.ts';

export interface JoinStormParams {
	kinds: ServerKind[];
	meetings: number;
	clientsPerMeeting: number;
	/** Edits typed into each meeting before the restart (its content). */
	editsPerMeeting: number;
}

export const joinStormFull: JoinStormParams = { kinds: ['ours', 'reference'], meetings: 50, clientsPerMeeting: 20, editsPerMeeting: 300 };
export const joinStormSmoke: JoinStormParams = { ...joinStormFull, meetings: 2, clientsPerMeeting: 5, editsPerMeeting: 20 };

async function storm(kind: ServerKind, params: JoinStormParams): Promise<BenchResult['rows'][number]> {
	const dataDir = kind === 'ours' ? tempDir('join-storm') : undefined;
	let server = await startServer(kind, dataDir ? { dataDir } : {});
	const clients: BenchClient[] = [];
	try {
		for (let m = 0; m < params.meetings; m++) {
			const address = await server.newMeeting('Join storm');
			for (let c = 0; c < params.clientsPerMeeting; c++) clients.push(connectClient(address));
		}
		await waitSynced(clients, 60_000);
		for (let m = 0; m < params.meetings; m++) {
			const author = clients[m * params.clientsPerMeeting];
			for (let e = 0; e < params.editsPerMeeting; e++) author.type();
		}
		// Content everywhere (and, for ours, stored) before the restart.
		const expected = (m: number) => clients[m * params.clientsPerMeeting].text.length;
		await waitUntil(
			() => clients.every((client, i) => client.text.length === expected(Math.floor(i / params.clientsPerMeeting))),
			'content everywhere',
			60_000
		);
		if (kind === 'ours') {
			await waitUntil(
				() => clients.every((client, i) => i % params.clientsPerMeeting !== 0 || client.savedClock() >= params.editsPerMeeting),
				'content saved',
				60_000
			);
		}

		const lost = new Set<BenchClient>();
		const resynced = new Map<BenchClient, number>();
		for (const client of clients) {
			client.provider.on('status', ({ status }: { status: string }) => {
				if (status === 'disconnected') lost.add(client);
			});
			client.provider.on('sync', (synced: boolean) => {
				if (synced && lost.has(client) && !resynced.has(client)) resynced.set(client, performance.now());
			});
		}
		const stopped = performance.now();
		await server.stop();
		server = await startServer(kind, { port: server.port, ...(dataDir ? { dataDir } : {}) });
		const listening = performance.now();
		await waitUntil(() => resynced.size === clients.length, `${clients.length} clients resynced`, 60_000);
		const times = [...resynced.values()];
		const last = Math.max(...times);
		return {
			server: kind,
			clients: clients.length,
			meetings: params.meetings,
			'restart gap ms': Math.round(listening - stopped),
			'all synced after listening ms': Math.round(last - listening),
			'all synced after stop ms': Math.round(last - stopped),
			'median client after listening ms': Math.round(median(times.map((t) => t - listening))),
			'every doc intact': clients.every((client, i) => client.text.length === expected(Math.floor(i / params.clientsPerMeeting)))
		};
	} finally {
		for (const client of clients) client.destroy();
		await server.stop();
	}
}

export async function runJoinStorm(params: JoinStormParams): Promise<BenchResult> {
	const rows: BenchResult['rows'] = [];
	for (const kind of params.kinds) rows.push(await storm(kind, params));
	const ours = rows.find((row) => row.server === 'ours');
	const reference = rows.find((row) => row.server === 'reference');
	const notes = [
		'"restart gap" is from SIGTERM to the new process accepting connections. Ours shuts down gracefully (stores pending updates, closes clients with 4503); the reference has no SIGTERM handler and dies at once.',
		'The y-websocket client backs off 100 ms × 2^attempts up to 2.5 s without jitter, so the first reconnect after the gap can wait up to 2.5 s; that backoff is part of the figure.',
		'Ours reloads every meeting from SQLite; the reference restarts with nothing (no persistence), and its clients re-upload their documents.'
	];
	if (ours && reference) {
		notes.unshift(
			`After listening: ours ${ours['all synced after listening ms']} ms, reference ${reference['all synced after listening ms']} ms (ratio ${round(Number(ours['all synced after listening ms']) / Number(reference['all synced after listening ms']))}).`
		);
	}
	return { name: `join storm (${params.meetings * params.clientsPerMeeting} clients in ${params.meetings} meetings, server restart)`, params: { ...params }, rows, notes };
}
