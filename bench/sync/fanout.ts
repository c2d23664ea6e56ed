/**
 * 2a. Fan-out: one writer and N observers in one meeting. The writer types at a steady
 * rate; each observer records the time from the writer's edit to its arrival.
 * Ours stores every update in SQLite before forwarding it; the reference forwards at once.
 */
import { type BenchClient, connectClient, waitSynced } from '../lib/clients.ts';
import type { BenchResult } from '../lib/report.ts';
import { type BenchServer, type ServerKind, startServer } from '../lib/servers.ts';
import { Samples, type LatencySummary, ratio, round, sleep } from '../lib/stats.ts';

export interface FanoutParams {
	observers: number[];
	/** Ours and the reference alternate this many times per N, so drift hits both alike. */
	rounds: number;
	/** Measured edits per round (after the warm-up). */
	writes: number;
	warmupWrites: number;
	writesPerSecond: number;
}

export const fanoutFull: FanoutParams = { observers: [10, 50, 200], rounds: 2, writes: 100, warmupWrites: 20, writesPerSecond: 20 };
export const fanoutSmoke: FanoutParams = { observers: [3], rounds: 1, writes: 10, warmupWrites: 2, writesPerSecond: 50 };

async function measure(server: BenchServer, observers: number, params: FanoutParams, receipts: Samples): Promise<void> {
	const address = await server.newMeeting('Fan-out');
	let recording = false;
	const writer = connectClient(address);
	const clients: BenchClient[] = [writer];
	for (let i = 0; i < observers; i++) clients.push(connectClient(address, { receipts, recording: () => recording }));
	try {
		await waitSynced(clients, 30_000);
		const interval = 1000 / params.writesPerSecond;
		for (let i = 0; i < params.warmupWrites + params.writes; i++) {
			recording = i >= params.warmupWrites;
			writer.type();
			await sleep(interval);
		}
		// Let the last edits arrive everywhere.
		await sleep(Math.max(500, interval));
	} finally {
		recording = false;
		for (const client of clients) client.destroy();
	}
}

export async function runFanout(params: FanoutParams): Promise<BenchResult> {
	const servers = { ours: await startServer('ours'), reference: await startServer('reference') };
	const rows: BenchResult['rows'] = [];
	try {
		for (const observers of params.observers) {
			const samples: Record<ServerKind, Samples> = { ours: new Samples(), reference: new Samples() };
			for (let round = 0; round < params.rounds; round++) {
				for (const kind of ['ours', 'reference'] as const) await measure(servers[kind], observers, params, samples[kind]);
			}
			const figures: Record<ServerKind, LatencySummary> = { ours: samples.ours.summary(), reference: samples.reference.summary() };
			rows.push({
				observers,
				'samples (ours)': figures.ours.count,
				'p50 ours ms': round(figures.ours.p50),
				'p50 ref ms': round(figures.reference.p50),
				'p99 ours ms': round(figures.ours.p99),
				'p99 ref ms': round(figures.reference.p99),
				'p99 ratio': ratio(figures.ours.p99, figures.reference.p99),
				'max ours ms': round(figures.ours.max),
				'max ref ms': round(figures.reference.max),
				'target p99 ≤ ref': figures.ours.p99 <= figures.reference.p99 ? 'met' : 'MISSED'
			});
		}
	} finally {
		await Promise.all([servers.ours.stop(), servers.reference.stop()]);
	}
	return {
		name: 'fan-out (1 writer → N observers, one meeting)',
		params: { ...params },
		rows,
		notes: [
			'Latency = time from the writer\'s edit (stamp inside the Yjs update) to the observer\'s document applying it; all clients share the bench process clock.',
			'Ours commits each update to SQLite (WAL, synchronous=NORMAL) before forwarding it; the reference stores nothing.',
			'All observers share one bench process, so the latest observer of each edit also waits for the others to be processed (client-side queueing, same for both servers).'
		]
	};
}
