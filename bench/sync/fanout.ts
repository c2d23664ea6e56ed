/**
 * 2a. Fan-out: one writer and N observers in one meeting. The writer types at a steady
 * rate; each observer records the time from the writer's edit to its arrival.
 * Ours stores every update in SQLite before forwarding it; the reference forwards at once.
 */
import { type BenchClient, connectClient, waitSynced } from '../lib/clients.ts';
import type { BenchResult } from '../lib/report.ts';
import { cpuSnapshot, othersCpuPercent } from '../lib/machine.ts';
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
	/** A round during which other processes used more than `maxOthersPercent` of a core is repeated, at most `attempts` times. */
	attempts: number;
	maxOthersPercent: number;
}

export const fanoutFull: FanoutParams = { observers: [10, 50, 200], rounds: 2, writes: 100, warmupWrites: 20, writesPerSecond: 20, attempts: 3, maxOthersPercent: 20 };
export const fanoutSmoke: FanoutParams = { observers: [3], rounds: 1, writes: 10, warmupWrites: 2, writesPerSecond: 50, attempts: 1, maxOthersPercent: 20 };

/** One round: returns the receipts and how much CPU other processes used meanwhile. */
async function measure(server: BenchServer, observers: number, params: FanoutParams): Promise<{ receipts: Samples; others: number }> {
	const receipts = new Samples();
	const address = await server.newMeeting('Fan-out');
	let recording = false;
	const writer = connectClient(address);
	const clients: BenchClient[] = [writer];
	for (let i = 0; i < observers; i++) clients.push(connectClient(address, { receipts, recording: () => recording }));
	try {
		await waitSynced(clients, 30_000);
		const serverBefore = await server.stats({ gc: false });
		const machineBefore = cpuSnapshot();
		const interval = 1000 / params.writesPerSecond;
		for (let i = 0; i < params.warmupWrites + params.writes; i++) {
			recording = i >= params.warmupWrites;
			writer.type();
			await sleep(interval);
		}
		// Let the last edits arrive everywhere.
		await sleep(Math.max(500, interval));
		const machineAfter = cpuSnapshot();
		const serverSeconds = ((await server.stats({ gc: false })).cpuMicros - serverBefore.cpuMicros) / 1e6;
		return { receipts, others: othersCpuPercent(machineBefore, machineAfter, serverSeconds) };
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
			let worstOthers = 0;
			for (let round = 0; round < params.rounds; round++) {
				for (const kind of ['ours', 'reference'] as const) {
					let best: { receipts: Samples; others: number } | null = null;
					for (let attempt = 0; attempt < params.attempts && (best === null || best.others > params.maxOthersPercent); attempt++) {
						const round = await measure(servers[kind], observers, params);
						if (best === null || round.others < best.others) best = round;
					}
					samples[kind].append(best!.receipts);
					worstOthers = Math.max(worstOthers, best!.others);
				}
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
				'others CPU % (worst round)': worstOthers,
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
