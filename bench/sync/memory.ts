/**
 * 2e. Server memory. (1) Per idle loaded meeting: K meetings, each with one connected,
 * idle client, compared with the same server before they joined (RSS and V8 heap after
 * a full GC, so the connection's socket is included). Run with an empty meeting and with
 * a realistic one (the seed meeting of 2023-06-09, built through the meeting model).
 * Ours runs twice: with idle rooms off (`IDLE_ROOM_MS=0`, every document live, as before issue 16)
 * and with them on (`IDLE_ROOM_MS=idleRoomMs`, measured once every room holds its document encoded).
 * (2) Growth: C open/close cycles (connect, sync, disconnect) over D meetings, memory
 * after the cycles compared with memory after a warm-up.
 */
import * as Y from 'yjs';
import { buildLedningsgrupp20230609 } from '../../tests/fixtures/seed-ledningsgrupp-2023-06-09.ts';
import { type BenchClient, connectClient, waitSynced } from '../lib/clients.ts';
import type { ProbeStats } from '../lib/probe.ts';
import { type BenchResult, kib, mib } from '../lib/report.ts';
import { type BenchServer, type MeetingAddress, type ServerKind, startServer } from '../lib/servers.ts';
import { inBatches, ratio, sleep } from '../lib/stats.ts';

export interface MemoryParams {
	kinds: ServerKind[];
	/** Meetings held loaded (one idle client each) for the per-meeting figure. */
	loadedMeetings: number;
	/** Open/close cycles measured for growth, after `warmupCycles`. */
	cycles: number;
	warmupCycles: number;
	/** Distinct meetings the cycles go round. */
	cycleMeetings: number;
	concurrency: number;
	/** Time given to in-flight frames and close handshakes before a measurement. */
	settleMs: number;
	targetKiBPerMeeting: number;
	/** IDLE_ROOM_MS of the "idle" run of ours: how long a room goes without a write before it holds its document encoded. */
	idleRoomMs: number;
}

/** One server configuration of the per-meeting figure. */
interface Variant {
	label: string;
	kind: ServerKind;
	env: Record<string, string>;
	/** Measured once every loaded room is idle (ours with idle rooms on). */
	idle: boolean;
}

export const memoryFull: MemoryParams = {
	kinds: ['ours', 'reference'],
	loadedMeetings: 500,
	cycles: 10_000,
	warmupCycles: 1_000,
	cycleMeetings: 1_000,
	concurrency: 20,
	settleMs: 1000,
	targetKiBPerMeeting: 50,
	idleRoomMs: 1000
};

export const memorySmoke: MemoryParams = {
	...memoryFull,
	loadedMeetings: 10,
	cycles: 40,
	warmupCycles: 10,
	cycleMeetings: 10,
	settleMs: 100,
	idleRoomMs: 100
};

async function roomsUnloaded(server: BenchServer, settleMs: number): Promise<void> {
	if (server.kind !== 'ours') return sleep(settleMs);
	const deadline = Date.now() + 30_000;
	while (((await server.rooms())?.rooms ?? 0) > 0) {
		if (Date.now() > deadline) throw new Error('rooms still loaded 30 s after their clients left');
		await sleep(50);
	}
	// The last unload's compaction check and the sockets' close handshakes.
	await sleep(settleMs);
}

function variants(params: MemoryParams): Variant[] {
	return params.kinds.flatMap((kind): Variant[] =>
		kind === 'ours'
			? [
					{ label: 'ours, documents live (IDLE_ROOM_MS=0)', kind, env: { IDLE_ROOM_MS: '0' }, idle: false },
					{ label: `ours, idle rooms encoded (IDLE_ROOM_MS=${params.idleRoomMs})`, kind, env: { IDLE_ROOM_MS: String(params.idleRoomMs) }, idle: true }
				]
			: [{ label: kind, kind, env: {}, idle: false }]
	);
}

async function everyRoomIdle(server: BenchServer, rooms: number): Promise<void> {
	const deadline = Date.now() + 60_000;
	// A server from before idle rooms (BENCH_OURS_ROOT) reports none: there is nothing to wait for.
	if ((await server.rooms())?.idleRooms === undefined) return;
	while (((await server.rooms())?.idleRooms ?? 0) < rooms) {
		if (Date.now() > deadline) throw new Error(`not every room idle 60 s after sync: ${JSON.stringify(await server.rooms())}`);
		await sleep(100);
	}
}

async function perMeeting(variant: Variant, content: Uint8Array | undefined, params: MemoryParams) {
	const server = await startServer(variant.kind, { env: variant.env });
	const clients: BenchClient[] = [];
	try {
		// Warm the code paths once so the baseline includes compiled code, not just an idle process.
		const warm = connectClient(await server.newMeeting('Warm-up', { sample: !content }), content ? { initialState: content } : {});
		await waitSynced([warm], 10_000);
		warm.destroy();
		await roomsUnloaded(server, params.settleMs);
		const before = await server.stats();
		const addresses: MeetingAddress[] = [];
		for (let i = 0; i < params.loadedMeetings; i++) addresses.push(await server.newMeeting('Memory', { sample: !content }));
		for (const address of addresses) clients.push(connectClient(address, content ? { initialState: content } : {}));
		await waitSynced(clients, 120_000);
		// The clients' own state still travels to the server after they are synced.
		await sleep(params.settleMs);
		if (variant.idle) await everyRoomIdle(server, params.loadedMeetings);
		const loaded = await server.stats();
		for (const client of clients.splice(0)) client.destroy();
		await roomsUnloaded(server, params.settleMs);
		const closed = await server.stats();
		return { before, loaded, closed };
	} finally {
		for (const client of clients) client.destroy();
		await server.stop();
	}
}

async function cycles(kind: ServerKind, params: MemoryParams) {
	const server = await startServer(kind);
	try {
		const addresses: MeetingAddress[] = [];
		for (let i = 0; i < params.cycleMeetings; i++) addresses.push(await server.newMeeting('Cycles'));
		const cycle = async (_: unknown, index: number) => {
			const client = connectClient(addresses[index % addresses.length]);
			try {
				await waitSynced([client], 30_000);
			} finally {
				client.destroy();
			}
		};
		await inBatches(Array.from({ length: params.warmupCycles }), params.concurrency, cycle);
		await roomsUnloaded(server, params.settleMs);
		const warmed = await server.stats();
		const started = performance.now();
		await inBatches(Array.from({ length: params.cycles }), params.concurrency, cycle);
		const seconds = (performance.now() - started) / 1000;
		await roomsUnloaded(server, params.settleMs);
		const after = await server.stats();
		return { warmed, after, seconds };
	} finally {
		await server.stop();
	}
}

const perMeetingKiB = (from: ProbeStats, to: ProbeStats, key: 'rss' | 'heapUsed', meetings: number) =>
	kib((to[key] - from[key]) / meetings);

export async function runMemory(params: MemoryParams): Promise<BenchResult> {
	const seed = buildLedningsgrupp20230609().doc;
	const seedUpdate = Y.encodeStateAsUpdate(seed);
	seed.destroy();
	const rows: BenchResult['rows'] = [];
	const heapPerMeeting: Record<string, number> = {};
	for (const [label, content] of [
		['empty meeting', undefined],
		[`seed meeting (${kib(seedUpdate.byteLength)} KiB update)`, seedUpdate]
	] as const) {
		for (const variant of variants(params)) {
			const { before, loaded, closed } = await perMeeting(variant, content, params);
			const heap = perMeetingKiB(before, loaded, 'heapUsed', params.loadedMeetings);
			// An encoded document is a Uint8Array, whose bytes live outside the V8 heap: counted here.
			const withExternal = kib((loaded.heapUsed + loaded.external - before.heapUsed - before.external) / params.loadedMeetings);
			heapPerMeeting[`${label}/${variant.label}`] = withExternal;
			rows.push({
				measure: `per idle loaded meeting: ${label}`,
				server: variant.label,
				'heap KiB/meeting': heap,
				'heap + external KiB/meeting': withExternal,
				'RSS KiB/meeting': perMeetingKiB(before, loaded, 'rss', params.loadedMeetings),
				'heap MiB before → loaded → all closed': `${mib(before.heapUsed)} → ${mib(loaded.heapUsed)} → ${mib(closed.heapUsed)}`,
				'RSS MiB before → loaded → all closed': `${mib(before.rss)} → ${mib(loaded.rss)} → ${mib(closed.rss)}`,
				[`target ≤ ${params.targetKiBPerMeeting} KiB`]: variant.idle ? (withExternal <= params.targetKiBPerMeeting ? 'met (heap + external)' : 'MISSED (heap + external)') : null
			});
		}
	}
	for (const kind of params.kinds) {
		const { warmed, after, seconds } = await cycles(kind, params);
		rows.push({
			measure: `growth over ${params.cycles} open/close cycles (${params.cycleMeetings} meetings)`,
			server: kind,
			'heap growth KiB': kib(after.heapUsed - warmed.heapUsed),
			'RSS growth KiB': kib(after.rss - warmed.rss),
			'heap MiB before → loaded → all closed': `${mib(warmed.heapUsed)} → ${mib(after.heapUsed)} (after warm-up → after cycles)`,
			'RSS MiB before → loaded → all closed': `${mib(warmed.rss)} → ${mib(after.rss)}`,
			'cycles/s': Math.round(params.cycles / seconds)
		});
	}
	const notes = [
		'Heap = V8 heapUsed after two full GCs (--expose-gc); external = memory outside the heap owned by JS objects (Uint8Array bytes: an idle room\'s encoded document, socket buffers); RSS includes the allocator\'s retained pages and rarely shrinks. Each loaded meeting includes its one idle websocket connection.',
		'The reference keeps every document it ever served while it has no persistence (rooms are only freed when persistence is set), so its memory follows meetings ever opened; ours unloads a meeting when its last client leaves.'
	];
	const seedHeap = (variant: string) => Object.entries(heapPerMeeting).find(([key]) => key.startsWith('seed') && key.includes(`/${variant}`))?.[1];
	const [live, idle, reference] = [seedHeap('ours, documents live'), seedHeap('ours, idle rooms'), seedHeap('reference')];
	if (idle !== undefined && reference !== undefined) notes.unshift(`Seed meeting heap + external per meeting, ours idle / reference: ${ratio(idle, reference)}.`);
	if (idle !== undefined && live !== undefined) notes.unshift(`Seed meeting heap + external per meeting, ours idle / ours live: ${ratio(idle, live)}.`);
	return { name: 'server memory (per idle meeting, growth over open/close cycles)', params: { ...params }, rows, notes };
}
