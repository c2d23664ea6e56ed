/**
 * Start and stop of the server process, run from source through tsx (what development and
 * the tests use) and as the bundle `build/server.js` (what production runs, `npm run serve`):
 * - start: spawn → the "listening" log line, and the process's RSS at that moment;
 * - stop: with `clients` sync connections open, SIGTERM → exit, with the steps the server
 *   logs in its "stopped" line (rooms stored, sockets closed, storage closed).
 * The bundle needs `npm run build`; without it only the tsx rows are measured.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { freePort } from '../../testkit/wait.ts';
import { type BenchResult } from '../lib/report.ts';
import { root } from '../lib/servers.ts';
import { median, round } from '../lib/stats.ts';

export interface StartupParams {
	/** Starts (and stops) per way of running. */
	runs: number;
	/** Sync connections open when the server is stopped. */
	clients: number;
}

export const startupFull: StartupParams = { runs: 5, clients: 200 };
export const startupSmoke: StartupParams = { runs: 1, clients: 5 };

const bundle = path.join(root, 'build', 'server.js');
const WAYS: Record<string, readonly string[]> = {
	'tsx (source)': ['--import', 'tsx', 'server/index.ts'],
	'bundle (build/server.js)': ['--enable-source-maps', bundle]
};

function rssMiB(pid: number): number {
	const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
	return round(Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024);
}

interface Run {
	startMs: number;
	rssMiB: number;
	stopMs: number;
	stopped: { roomsMs: number; socketsMs: number; storageMs: number; totalMs: number };
}

async function once(args: readonly string[], clients: number): Promise<Run> {
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'motesrum-bench-startup-'));
	const port = await freePort();
	const started = performance.now();
	const child: ChildProcess = spawn(process.execPath, [...args], {
		cwd: root,
		env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info', CONNECT_RATE_PER_SECOND: '100000', CONNECT_RATE_BURST: '100000', API_RATE_BURST: '100000' },
		stdio: ['ignore', 'pipe', 'inherit']
	});
	const lines: Record<string, unknown>[] = [];
	const waiters: { msg: string; resolve: (line: Record<string, unknown>) => void }[] = [];
	let buffered = '';
	child.stdout!.on('data', (chunk: Buffer) => {
		buffered += chunk.toString('utf8');
		let newline;
		while ((newline = buffered.indexOf('\n')) !== -1) {
			const line = JSON.parse(buffered.slice(0, newline)) as Record<string, unknown>;
			buffered = buffered.slice(newline + 1);
			lines.push(line);
			for (const waiter of waiters.filter((w) => w.msg === line.msg)) waiter.resolve(line);
		}
	});
	const logged = (msg: string) => new Promise<Record<string, unknown>>((resolve) => waiters.push({ msg, resolve }));
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	await logged('listening');
	const startMs = performance.now() - started;
	const rss = rssMiB(child.pid!);

	const origin = `http://127.0.0.1:${port}`;
	const meeting = (await (await fetch(`${origin}/api/meetings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Bench' }) })).json()) as { id: string; token: string };
	const sockets = await Promise.all(
		Array.from({ length: clients }, () => {
			const ws = new WebSocket(`ws://127.0.0.1:${port}/sync/${meeting.id}?token=${meeting.token}`);
			ws.on('error', () => {});
			return new Promise<WebSocket>((resolve) => ws.once('message', () => resolve(ws)));
		})
	);
	const stoppedLine = logged('stopped');
	const stopping = performance.now();
	child.kill('SIGTERM');
	await exited;
	const stopMs = performance.now() - stopping;
	for (const ws of sockets) ws.terminate();
	fs.rmSync(dataDir, { recursive: true, force: true });
	return { startMs, rssMiB: rss, stopMs, stopped: (await stoppedLine) as unknown as Run['stopped'] };
}

export async function runStartup(params: StartupParams): Promise<BenchResult> {
	const rows: BenchResult['rows'] = [];
	const notes: string[] = [];
	for (const [way, args] of Object.entries(WAYS)) {
		if (args.includes(bundle) && !fs.existsSync(bundle)) {
			notes.push(`${way}: not measured, run \`npm run build\` first`);
			continue;
		}
		const runs: Run[] = [];
		for (let i = 0; i < params.runs; i++) runs.push(await once(args, params.clients));
		const med = (pick: (run: Run) => number) => Math.round(median(runs.map(pick)));
		rows.push({
			way,
			'start p50 ms': med((r) => r.startMs),
			'start max ms': Math.round(Math.max(...runs.map((r) => r.startMs))),
			'RSS at listening p50 MiB': round(median(runs.map((r) => r.rssMiB))),
			[`stop with ${params.clients} clients p50 ms`]: med((r) => r.stopMs),
			'rooms stored ms': med((r) => r.stopped.roomsMs),
			'sockets closed ms': med((r) => r.stopped.socketsMs),
			'storage closed ms': med((r) => r.stopped.storageMs)
		});
	}
	notes.push('start: spawn until the "listening" line (SvelteKit handler imported, SQLite opened); stop: SIGTERM until the process exited; the step columns are from the server\'s "stopped" line');
	return { name: 'server start and stop: tsx vs bundle', params: { ...params }, rows, notes };
}
