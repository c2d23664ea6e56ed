/**
 * Preloaded (`--import`) into every server process the benchmarks start, ours and the
 * reference alike, so both are measured the same way without touching their code.
 * Answers `{ type: 'stats' }` on the IPC channel with memory after a full GC (the
 * process runs with --expose-gc), CPU time and event-loop utilisation.
 *
 * Ours with WORKERS > 1 is a primary and its workers (node:cluster, which passes the
 * preload on to the workers): the primary asks every worker's probe over the cluster's
 * channel and answers with the sum over all processes (memory, CPU, loop time) plus each
 * process's own CPU and loop figures, so the bench can show the busiest loop.
 */
import cluster from 'node:cluster';
import { performance } from 'node:perf_hooks';

export interface ProcessStats {
	/** Microseconds of user + system CPU since the process started. */
	cpuMicros: number;
	/** Milliseconds the event loop was busy / idle since the process started. */
	eluActive: number;
	eluIdle: number;
}

export interface ProbeStats extends ProcessStats {
	rss: number;
	heapUsed: number;
	heapTotal: number;
	external: number;
	arrayBuffers: number;
	/** Each process's own figures (the primary first, then the workers by id); one entry for a single process. */
	processes: ProcessStats[];
}

const gc = (globalThis as { gc?: () => void }).gc;

function own(collect: boolean): ProbeStats {
	if (collect && gc) {
		gc();
		gc();
	}
	const memory = process.memoryUsage();
	const cpu = process.cpuUsage();
	const elu = performance.eventLoopUtilization();
	const mine = { cpuMicros: cpu.user + cpu.system, eluActive: elu.active, eluIdle: elu.idle };
	return {
		rss: memory.rss,
		heapUsed: memory.heapUsed,
		heapTotal: memory.heapTotal,
		external: memory.external,
		arrayBuffers: memory.arrayBuffers,
		...mine,
		processes: [mine]
	};
}

function sum(parts: ProbeStats[]): ProbeStats {
	const total = (key: keyof ProcessStats | 'rss' | 'heapUsed' | 'heapTotal' | 'external' | 'arrayBuffers') => parts.reduce((acc, part) => acc + part[key], 0);
	return {
		rss: total('rss'),
		heapUsed: total('heapUsed'),
		heapTotal: total('heapTotal'),
		external: total('external'),
		arrayBuffers: total('arrayBuffers'),
		cpuMicros: total('cpuMicros'),
		eluActive: total('eluActive'),
		eluIdle: total('eluIdle'),
		processes: parts.flatMap((part) => part.processes)
	};
}

type StatsRequest = { type?: string; gc?: boolean };

if (process.send && cluster.isWorker) {
	// A worker: its primary asks. The channel is the worker's lifeline; it stays referenced.
	process.on('message', (message: StatsRequest) => {
		if (message?.type === 'stats') process.send!({ type: 'stats', stats: own(message.gc !== false) });
	});
} else if (process.send) {
	let waiting: { answers: Map<number, ProbeStats>; expected: number; mine: ProbeStats } | null = null;
	const finish = () => {
		if (!waiting || waiting.answers.size < waiting.expected) return;
		const done = waiting;
		waiting = null;
		// By worker id, so that the same index means the same process from one answer to the next.
		const workers = [...done.answers].sort(([a], [b]) => a - b).map(([, stats]) => stats);
		process.send!({ type: 'stats', stats: sum([done.mine, ...workers]) });
	};
	cluster.on('message', (worker, message: { type?: string; stats?: ProbeStats }) => {
		if (message?.type !== 'stats' || !message.stats || !waiting) return;
		waiting.answers.set(worker.id, message.stats);
		finish();
	});
	process.on('message', (message: StatsRequest) => {
		if (message?.type !== 'stats') return;
		const workers = Object.values(cluster.workers ?? {}).filter((worker) => worker?.isConnected());
		waiting = { answers: new Map(), expected: workers.length, mine: own(message.gc !== false) };
		for (const worker of workers) worker!.send({ type: 'stats', gc: message.gc !== false });
		finish();
	});
	// The IPC channel must not keep a server alive that is otherwise done.
	process.channel?.unref();
}
