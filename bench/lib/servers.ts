/**
 * The servers under test, each in its own child process: ours (`server/index.ts`, SQLite
 * in a fresh temp DATA_DIR) and the reference (@y/websocket-server 0.1.1's own bin,
 * no persistence). Both bind to loopback, both get the probe preloaded for memory, CPU
 * and event-loop figures, and both know how to make a meeting and a client URL.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sampleMeeting } from '../../src/lib/meeting/sample.ts';
import { seedSample } from './clients.ts';
import type { ProbeStats } from './probe.ts';
import { onLines } from '../../testkit/lines.ts';
import { freePort } from '../../testkit/wait.ts';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const probe = path.join(root, 'bench', 'lib', 'probe.ts');
const referenceBin = path.join(
	path.dirname(createRequire(import.meta.url).resolve('@y/websocket-server/package.json')),
	'src',
	'server.js'
);

export type ServerKind = 'ours' | 'reference';

/**
 * BENCH_OURS_WORKERS=<n>: run ours as a primary with n worker processes (WORKERS, docs/deploy.md);
 * the probe then reports the sum over all of them (lib/probe.ts).
 */
export function oursWorkers(): number {
	const raw = process.env.BENCH_OURS_WORKERS;
	return raw ? Number(raw) : 1;
}

/** How a row names the server: `ours ×2` when ours runs with workers. */
export function serverLabel(kind: ServerKind): string {
	return kind === 'ours' && oursWorkers() > 1 ? `ours ×${oursWorkers()}` : kind;
}

/** Servers still running; killed if the bench process exits (a crashed bench must not leave them behind). */
const running = new Set<ChildProcess>();
process.on('exit', () => {
	for (const child of running) child.kill('SIGKILL');
});

/** What a client needs to join one meeting: y-websocket's serverUrl, room name and URL params. */
export interface MeetingAddress {
	serverUrl: string;
	room: string;
	params: Record<string, string>;
	/** The sample meeting the meeting was seeded with (clients start from these bytes), or null. */
	sample: Uint8Array | null;
}

export interface StartOptions {
	/** Bind to this port (a restart keeps the port so clients reconnect); a free one by default. */
	port?: number;
	/** Ours only: reuse a data directory (a restart keeps the data). */
	dataDir?: string;
	/** Extra node flags, e.g. --cpu-prof. */
	nodeFlags?: string[];
	env?: Record<string, string>;
}

export interface BenchServer {
	kind: ServerKind;
	port: number;
	origin: string;
	/** Ours: the SQLite directory. */
	dataDir: string | null;
	child: ChildProcess;
	/** A new meeting; with `sample` (the default) seeded with the sample meeting, whose notes the clients type into. */
	newMeeting(title?: string, options?: { sample?: boolean }): Promise<MeetingAddress>;
	/** Memory after a full GC, CPU time and event-loop utilisation of the server process. */
	stats(options?: { gc?: boolean }): Promise<ProbeStats>;
	/** Ours: rooms, connections and idle rooms (document held encoded) from /healthz; null for the reference. */
	rooms(): Promise<{ rooms: number; connections: number; idleRooms: number } | null>;
	/** SIGTERM (ours shuts down gracefully; the reference just dies) and resolves on exit. */
	stop(): Promise<void>;
}

/** A fresh directory under BENCH_DATA_DIR (e.g. a tmpfs, to tell disk waits from CPU) or the OS temp dir. */
export function tempDir(prefix: string): string {
	const parent = process.env.BENCH_DATA_DIR ?? os.tmpdir();
	fs.mkdirSync(parent, { recursive: true });
	return fs.mkdtempSync(path.join(parent, `motesrum-bench-${prefix}-`));
}

export async function startServer(kind: ServerKind, options: StartOptions = {}): Promise<BenchServer> {
	const port = options.port ?? (await freePort());
	const dataDir = kind === 'ours' ? (options.dataDir ?? tempDir('data')) : null;
	const flags = ['--expose-gc', '--import', 'tsx', '--import', probe, ...(options.nodeFlags ?? [])];
	const script = kind === 'ours' ? 'server/index.ts' : referenceBin;
	const child = spawn(process.execPath, [...flags, script], {
		// BENCH_OURS_ROOT: run "ours" from another checkout (e.g. `git archive <commit>` with node_modules linked) for a before/after.
		cwd: kind === 'ours' ? (process.env.BENCH_OURS_ROOT ?? root) : root,
		env: {
			...process.env,
			HOST: '127.0.0.1',
			PORT: String(port),
			// Only warnings: per-connection info lines would make the bench process read logs.
			LOG_LEVEL: 'warn',
			// Every bench client comes from 127.0.0.1: the per-IP limits meant for the
			// internet (docs/security.md) would measure the limiter, not the server.
			API_RATE_PER_SECOND: '100000',
			API_RATE_BURST: '100000',
			CONNECT_RATE_PER_SECOND: '100000',
			CONNECT_RATE_BURST: '100000',
			SYNC_RATE_BURST: '100000',
			MAX_MEETINGS: '1000000',
			...(kind === 'ours' && oursWorkers() > 1 ? { WORKERS: String(oursWorkers()) } : {}),
			...(dataDir ? { DATA_DIR: dataDir } : {}),
			...options.env
		},
		stdio: ['ignore', 'pipe', 'pipe', 'ipc']
	});
	running.add(child);
	const output: string[] = [];
	const exited = new Promise<void>((resolve) =>
		child.once('exit', () => {
			running.delete(child);
			resolve();
		})
	);
	await new Promise<void>((resolve, reject) => {
		onLines(child, (line) => {
			if (output.length < 200) output.push(line);
			// Ours logs {"msg":"listening"} at info, which LOG_LEVEL=warn hides; both print nothing else when healthy.
			if (line.includes('running at') || line.includes('"listening"')) resolve();
		});
		exited.then(() => reject(new Error(`${kind} server exited before listening:\n${output.join('\n')}`)));
		if (kind === 'ours') waitForPort(port).then(resolve, reject);
	});
	const origin = `http://127.0.0.1:${port}`;
	let pendingStats: ((stats: ProbeStats) => void)[] = [];
	child.on('message', (message: { type?: string; stats?: ProbeStats }) => {
		if (message?.type !== 'stats' || !message.stats) return;
		const waiting = pendingStats;
		pendingStats = [];
		for (const resolve of waiting) resolve(message.stats);
	});
	return {
		kind,
		port,
		origin,
		dataDir,
		child,
		/** A new meeting; with `sample` (the default) seeded with the sample meeting, whose notes the clients type into. */
		async newMeeting(title = 'Benchmark', options: { sample?: boolean } = {}): Promise<MeetingAddress> {
			const sample = (options.sample ?? true) ? sampleMeeting(title) : null;
			let address: MeetingAddress;
			if (kind === 'reference') address = { serverUrl: `ws://127.0.0.1:${port}`, room: randomUUID(), params: {}, sample };
			else {
				const res = await fetch(`${origin}/api/meetings`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ title })
				});
				if (res.status !== 201) throw new Error(`creating a meeting: ${res.status} ${await res.text()}`);
				const { id, token } = (await res.json()) as { id: string; token: string };
				address = { serverUrl: `ws://127.0.0.1:${port}/sync`, room: id, params: { token }, sample };
			}
			if (sample) await seedSample(address);
			return address;
		},
		stats(statsOptions = {}) {
			return new Promise((resolve) => {
				pendingStats.push(resolve);
				child.send({ type: 'stats', gc: statsOptions.gc ?? true });
			});
		},
		async rooms() {
			if (kind === 'reference') return null;
			const res = await fetch(`${origin}/healthz`);
			const body = (await res.json()) as { rooms: number; connections: number; idleRooms: number };
			return { rooms: body.rooms, connections: body.connections, idleRooms: body.idleRooms };
		},
		async stop() {
			if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
			await exited;
		}
	};
}

/** Polls until something accepts TCP connections on the port (ours logs "listening" only at info). */
async function waitForPort(port: number, timeoutMs = 90_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const open = await new Promise<boolean>((resolve) => {
			const socket = net.connect(port, '127.0.0.1');
			socket.once('connect', () => {
				socket.destroy();
				resolve(true);
			});
			socket.once('error', () => resolve(false));
		});
		if (open) return;
		if (Date.now() > deadline) throw new Error(`nothing listening on ${port} after ${timeoutMs} ms`);
		await new Promise((resolve) => setTimeout(resolve, 5));
	}
}
