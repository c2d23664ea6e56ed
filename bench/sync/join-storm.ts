/**
 * 2c. Join storm: C clients in K meetings are connected and synced with some content,
 * then the server restarts (SIGTERM, a new process on the same port and data). The
 * clients reconnect on their own (y-websocket backoff: 100 ms doubling up to 2.5 s, no
 * jitter); measured is the time until every one of them is synced again, from the new
 * server listening and from the stop signal.
 * Ours reloads each meeting from SQLite; the reference restarts empty and every client
 * uploads its whole document again.
 * Then ours alone, without a restart: the same clients rejoin meetings whose rooms are idle
 * (document held encoded, IDLE_ROOM_MS), the way a venue's network drop sends everyone but
 * the projector back at once. Each rejoining client's sync step 2 carries its document's
 * deletions and nothing new; measured are the time until all are synced, the server's CPU
 * for the storm, and how many rooms stayed idle.
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

/** IDLE_ROOM_MS of the idle-rejoin run: rooms go idle a second after the typing stops. */
const IDLE_REJOIN_ROOM_MS = 1000;
/** After the last client is synced, this long for the server to handle the rejoiners' step 2. */
const SETTLE_MS = 500;

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

/** Ours: every client but the first of each meeting rejoins its idle room at once. */
async function idleRejoin(params: JoinStormParams): Promise<BenchResult['rows'][number]> {
	const server = await startServer('ours', { env: { IDLE_ROOM_MS: String(IDLE_REJOIN_ROOM_MS) } });
	const clients: BenchClient[] = [];
	try {
		for (let m = 0; m < params.meetings; m++) {
			const address = await server.newMeeting('Join storm, idle');
			for (let c = 0; c < params.clientsPerMeeting; c++) clients.push(connectClient(address));
		}
		await waitSynced(clients, 60_000);
		const authors = clients.filter((_, i) => i % params.clientsPerMeeting === 0);
		for (const author of authors) {
			// Typing with corrections: every document then holds deletions, which each sync step 2 repeats.
			for (let e = 0; e < params.editsPerMeeting; e++) {
				author.type();
				if (e % 10 === 9) author.text.delete(author.text.length - 1, 1);
			}
		}
		await waitUntil(() => authors.every((author) => author.savedClock() >= params.editsPerMeeting), 'content saved', 60_000);
		const deadline = performance.now() + 60_000;
		while (((await server.rooms())?.idleRooms ?? 0) < params.meetings) {
			if (performance.now() > deadline) throw new Error(`not every room idle: ${JSON.stringify(await server.rooms())}`);
			await new Promise((resolve) => setTimeout(resolve, 200));
		}

		const rejoining = clients.filter((_, i) => i % params.clientsPerMeeting !== 0);
		for (const client of rejoining) client.provider.disconnect();
		const before = await server.stats({ gc: false });
		const started = performance.now();
		for (const client of rejoining) client.provider.connect();
		await waitUntil(() => rejoining.every((client) => client.provider.synced), `${rejoining.length} clients synced`, 60_000);
		const synced = performance.now() - started;
		await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
		const after = await server.stats({ gc: false });
		return {
			server: 'ours',
			meetings: params.meetings,
			'clients rejoining': rejoining.length,
			'all synced ms': Math.round(synced),
			'server CPU ms (storm + settle)': Math.round((after.cpuMicros - before.cpuMicros) / 1000),
			'rooms still idle': `${(await server.rooms())?.idleRooms} of ${params.meetings}`
		};
	} finally {
		for (const client of clients) client.destroy();
		await server.stop();
	}
}

/** `bench/run.ts join-storm-idle`: the idle rejoin alone (ours, or BENCH_OURS_ROOT's). */
export async function runJoinStormIdle(params: JoinStormParams): Promise<BenchResult> {
	const row = await idleRejoin(params);
	return {
		name: `join storm into idle rooms (${row['clients rejoining']} clients rejoin ${params.meetings} idle meetings, ours only)`,
		params: { ...params, idleRoomMs: IDLE_REJOIN_ROOM_MS, settleMs: SETTLE_MS },
		rows: [row],
		notes: [
			'Every client but one per meeting disconnects and reconnects at once while the meetings\' rooms hold their documents encoded. A rejoining client brings nothing new, but its sync step 2 carries its document\'s deletions.',
			`Server CPU is measured from the reconnects to ${SETTLE_MS} ms after the last client is synced. "rooms still idle": a room that materialised its document for a step 2 is live (and is encoded again IDLE_ROOM_MS after).`
		]
	};
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
