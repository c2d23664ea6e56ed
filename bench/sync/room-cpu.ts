/**
 * `room-cpu`: the sync room's own CPU time per edit, in process, with no sockets: rooms of our
 * server (`server/sync/room.ts`, with the SQLite storage batched and timed as `startServer`
 * composes it, the role policy and the metrics) get the frames of 20 connections each,
 * everyone typing (2 edits/s) with presence at 1 Hz, through stand-in connections that only
 * count what they are sent. Every frame is made before the clock starts (keystrokes into
 * each writer's copy of the sample meeting, presence with a cursor), and they are fed at a
 * fixed pace: a fixed number of frames per event-loop turn, turns every few milliseconds.
 * So what is measured is judging, applying, storing, acknowledging, framing and presence —
 * the work per edit that the server does whatever the machine is doing — without the kernel's
 * socket writes and ws's parsing, which depend on how busy the machine is (they batch more
 * when the loop is late). CPU time is the process's own (user + system), so other processes
 * on the machine move it far less than a latency.
 *
 * `BENCH_OURS_ROOT` runs another checkout's server code (the same bench), for a before/after.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { sampleMeeting, sampleNotes } from '../../src/lib/meeting/sample.ts';
import { MESSAGE_AWARENESS, MESSAGE_SYNC, SYNC_UPDATE } from '../../src/lib/protocol/index.ts';
import type { BenchResult } from '../lib/report.ts';
import { root, tempDir } from '../lib/servers.ts';
import { round, sleep } from '../lib/stats.ts';

export interface RoomCpuParams {
	rooms: number;
	clientsPerMeeting: number;
	/** Edits per connection in the measured run (2 a second each in the paced run). */
	editsPerClient: number;
	/** Frames handled per event-loop turn. */
	framesPerTurn: number;
	/** Milliseconds between turns: with the frames per turn, the pace (40 rooms × 20 × 3 frames/s need ~1.25 ms). */
	turnEveryMs: number;
	/** Runs, each in a fresh set of rooms; every run is reported (after an unreported warm-up run). */
	runs: number;
}

export const roomCpuFull: RoomCpuParams = { rooms: 20, clientsPerMeeting: 20, editsPerClient: 40, framesPerTurn: 3, turnEveryMs: 2.5, runs: 3 };
export const roomCpuSmoke: RoomCpuParams = { rooms: 2, clientsPerMeeting: 4, editsPerClient: 5, framesPerTurn: 3, turnEveryMs: 1, runs: 1 };

/** What the room uses of a Connection; it only counts what it is sent. */
interface StandIn {
	id: number;
	meetingId: string;
	part: 'main';
	access: { meeting: { id: string; title: string; createdAt: string; epoch: number; frozenAt: null; deletedAt: null }; role: string; invitationId: string; participantId: null; name: string; session: null };
	canWrite: boolean;
	wantsPresence: boolean;
	awarenessClients: Set<number>;
	lastSentAt: number;
	closed: boolean;
	log: { warn(): void; info(): void; debug(): void; error(): void };
	handler: ((connection: StandIn, frame: Uint8Array) => void) | null;
	bytes: number;
	frames: number;
	attach(handler: (connection: StandIn, frame: Uint8Array) => void): void;
	send(frame: Uint8Array): void;
	sendShared(frame: { message: Uint8Array }): void;
	notice(): void;
	refuseWrite(): void;
	revokeWrite(): void;
	badMessage(reason: string): void;
	close(code: number, reason: string): void;
	onClose(listener: () => void): void;
}

const quiet = { warn() {}, info() {}, debug() {}, error() {} };

function standIn(id: number, meetingId: string, record: StandIn['access']['meeting'], failures: string[]): StandIn {
	const connection: StandIn = {
		id,
		meetingId,
		part: 'main',
		access: { meeting: record, role: 'member', invitationId: `inv-${id}`, participantId: null, name: `Deltagare ${id}`, session: null },
		canWrite: true,
		wantsPresence: true,
		awarenessClients: new Set(),
		lastSentAt: performance.now(),
		closed: false,
		log: quiet,
		handler: null,
		bytes: 0,
		frames: 0,
		attach(handler) {
			connection.handler = handler;
		},
		send(frame) {
			connection.bytes += frame.byteLength;
			connection.frames++;
			connection.lastSentAt = performance.now();
		},
		sendShared(frame) {
			connection.send(frame.message);
		},
		notice() {},
		refuseWrite() {
			failures.push(`connection ${id}: write refused`);
		},
		revokeWrite() {},
		badMessage(reason) {
			failures.push(`connection ${id}: bad message (${reason})`);
		},
		close(code, reason) {
			if (!connection.closed) failures.push(`connection ${id}: closed ${code} ${reason}`);
			connection.closed = true;
		},
		onClose() {}
	};
	return connection;
}

function frameOf(type: number, body: (encoder: encoding.Encoder) => void): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, type);
	body(encoder);
	// As ws hands a message over: a view into a larger buffer.
	const bytes = encoding.toUint8Array(encoder);
	const buffer = Buffer.allocUnsafe(bytes.byteLength + 16);
	buffer.set(bytes, 8);
	return new Uint8Array(buffer.buffer, buffer.byteOffset + 8, bytes.byteLength);
}

/** Every frame of the run, in the order they are fed: per round, each client's edit, and every other round its presence. */
function framesOf(sample: Uint8Array, clients: number, edits: number): { frames: Uint8Array[][]; edits: number } {
	const perClient: Uint8Array[][] = [];
	for (let c = 0; c < clients; c++) {
		const doc = new Y.Doc();
		Y.applyUpdate(doc, sample);
		const notes = sampleNotes(doc)!;
		const frames: Uint8Array[] = [];
		let sent: Uint8Array | null = null;
		doc.on('update', (update: Uint8Array) => {
			sent = update;
		});
		const user = { name: `Deltagare ${c}`, color: '#30bced' };
		for (let e = 0; e < edits; e++) {
			const at = Math.min(notes.length, 10 + ((e * 7) % 40));
			notes.insert(at, 'abcdefghij'[e % 10]);
			const update = sent as Uint8Array | null;
			frames.push(
				frameOf(MESSAGE_SYNC, (encoder) => {
					encoding.writeVarUint(encoder, SYNC_UPDATE);
					encoding.writeVarUint8Array(encoder, update!);
				})
			);
			if (e % 2 === 1) {
				const state = JSON.stringify({ user, cursor: { anchor: { type: null, tname: 'notes', item: { client: doc.clientID, clock: e }, assoc: 0 }, head: { type: null, tname: 'notes', item: { client: doc.clientID, clock: e }, assoc: 0 } } });
				frames.push(
					frameOf(MESSAGE_AWARENESS, (encoder) => {
						const inner = encoding.createEncoder();
						encoding.writeVarUint(inner, 1);
						encoding.writeVarUint(inner, doc.clientID);
						encoding.writeVarUint(inner, e + 1);
						encoding.writeVarString(inner, state);
						encoding.writeVarUint8Array(encoder, encoding.toUint8Array(inner));
					})
				);
			}
		}
		perClient.push(frames);
	}
	// Interleaved as they would arrive: round-robin over the clients.
	const rounds: Uint8Array[][] = [];
	for (let c = 0; c < clients; c++) perClient[c].forEach((frame, i) => (rounds[i] ??= []).push(frame));
	return { frames: rounds, edits: clients * edits };
}

interface ServerModules {
	Room: new (meetingId: string, deps: object) => { load(): Promise<void>; add(connection: unknown): void; flush(): Promise<void>; unload(code?: number, reason?: string): Promise<void> };
	SqliteStorage: { inDataDir(dir: string): { init(): Promise<void>; close(): Promise<void>; meetings: { createMeeting(m: { id: string; title: string }): Promise<StandIn['access']['meeting']> }; docs: { appendUpdate(id: string, update: Uint8Array): Promise<void> } } };
	batchedAppends<T>(storage: T): T;
	timedStorage<T>(storage: T, metrics: unknown): T;
	ServerMetrics: new () => unknown;
	singleInstance: unknown;
	rolePolicy: unknown;
}

async function serverModules(oursRoot: string): Promise<ServerModules> {
	const load = (file: string) => import(path.join(oursRoot, file));
	const [room, sqlite, batched, timed, metrics, fanout, policy] = await Promise.all([
		load('server/sync/room.ts'),
		load('server/storage/sqlite.ts'),
		load('server/storage/batched-appends.ts'),
		load('server/metrics/timed-storage.ts'),
		load('server/metrics/metrics.ts'),
		load('server/sync/fanout.ts'),
		load('server/sync/role-policy.ts')
	]);
	return {
		Room: room.Room,
		SqliteStorage: sqlite.SqliteStorage,
		batchedAppends: batched.batchedAppends,
		timedStorage: timed.timedStorage,
		ServerMetrics: metrics.ServerMetrics,
		singleInstance: fanout.singleInstance,
		rolePolicy: policy.rolePolicy
	};
}

const meetingId = () => randomBytes(12).toString('base64url').replace(/[^A-Za-z0-9]/g, 'A').slice(0, 16);

async function oneRun(server: ServerModules, params: RoomCpuParams): Promise<BenchResult['rows'][number]> {
	const dataDir = tempDir('room-cpu');
	const storage = server.timedStorage(server.batchedAppends(server.SqliteStorage.inDataDir(dataDir)), new server.ServerMetrics());
	await storage.init();
	const failures: string[] = [];
	const sample = sampleMeeting('Rum');
	const { frames: rounds, edits } = framesOf(sample, params.clientsPerMeeting, params.editsPerClient);
	const rooms: { room: InstanceType<ServerModules['Room']>; connections: StandIn[] }[] = [];
	let nextId = 1;
	for (let r = 0; r < params.rooms; r++) {
		const id = meetingId();
		const record = await storage.meetings.createMeeting({ id, title: 'Rum' });
		await storage.docs.appendUpdate(id, sample);
		const room = new server.Room(id, {
			storage,
			fanout: server.singleInstance,
			policy: server.rolePolicy,
			log: { ...quiet, child: () => ({ ...quiet, child: () => quiet }) },
			metrics: new server.ServerMetrics(),
			onEmpty() {},
			onFailed() {
				failures.push(`room ${id} failed`);
			},
			idleAfterMs: 0
		});
		const connections = Array.from({ length: params.clientsPerMeeting }, () => standIn(nextId++, id, record, failures));
		for (const connection of connections) room.add(connection);
		await room.load();
		rooms.push({ room, connections });
	}
	// Every frame, in arrival order: round by round, each room's clients.
	const feed: { connection: StandIn; frame: Uint8Array }[] = [];
	for (const round of rounds) {
		for (const { connections } of rooms) round.forEach((frame, c) => feed.push({ connection: connections[c % connections.length], frame }));
	}
	const turns = Math.ceil(feed.length / params.framesPerTurn);
	await sleep(200);
	const cpuBefore = process.cpuUsage();
	const started = performance.now();
	for (let turn = 0; turn < turns; turn++) {
		for (let i = turn * params.framesPerTurn; i < Math.min(feed.length, (turn + 1) * params.framesPerTurn); i++) {
			const { connection, frame } = feed[i];
			connection.handler!(connection, frame);
		}
		// The turn ends (commit, release, uncork: shared/turn.ts), then the next starts on schedule.
		const due = started + (turn + 1) * params.turnEveryMs;
		const wait = due - performance.now();
		await (wait > 1 ? sleep(wait) : new Promise((resolve) => setImmediate(resolve)));
	}
	await Promise.all(rooms.map(({ room }) => room.flush()));
	const wallMs = performance.now() - started;
	const cpu = process.cpuUsage(cpuBefore);
	const cpuMs = (cpu.user + cpu.system) / 1000;
	const sent = rooms.reduce((sum, { connections }) => sum + connections.reduce((s, c) => s + c.frames, 0), 0);
	const failed = [...failures];
	for (const { room } of rooms) await room.unload();
	await storage.close();
	fs.rmSync(dataDir, { recursive: true, force: true });
	if (failed.length > 0) throw new Error(`room-cpu: ${failed.length} failures, first: ${failed[0]}`);
	return {
		rooms: params.rooms,
		connections: params.rooms * params.clientsPerMeeting,
		edits: edits * params.rooms,
		'presence messages': feed.length - edits * params.rooms,
		'frames sent': sent,
		'wall s': round(wallMs / 1000),
		'CPU ms': Math.round(cpuMs),
		'CPU % of a core': Math.round((cpuMs / wallMs) * 100),
		'room CPU ms per 1,000 edits': round((cpuMs / (edits * params.rooms)) * 1000)
	};
}

export async function runRoomCpu(params: RoomCpuParams): Promise<BenchResult> {
	const oursRoot = process.env.BENCH_OURS_ROOT ?? root;
	const server = await serverModules(oursRoot);
	const rows: BenchResult['rows'] = [];
	// A first, shorter run lets V8 compile the hot paths; it is not reported.
	await oneRun(server, { ...params, rooms: Math.max(1, Math.round(params.rooms / 4)) });
	for (let run = 0; run < params.runs; run++) rows.push({ run: run + 1, ...(await oneRun(server, params)) });
	return {
		name: `room CPU per edit, in process (${params.rooms} rooms × ${params.clientsPerMeeting} connections, everyone typing, presence every other edit; ${params.framesPerTurn} frames per turn)`,
		params: { ...params, oursRoot: path.relative(root, oursRoot) || '.' },
		rows,
		notes: [
			'No sockets: stand-in connections count what they are sent. Measured: the room (judging, applying, storing in SQLite batched per turn, acknowledging, framing, presence) and the turn machinery; not ws parsing or kernel writes.',
			'CPU is this process\'s user + system time over the fed frames (all frames were made before the clock started).'
		]
	};
}
