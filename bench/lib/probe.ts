/**
 * Preloaded (`--import`) into every server process the benchmarks start, ours and the
 * reference alike, so both are measured the same way without touching their code.
 * Answers `{ type: 'stats' }` on the IPC channel with memory after a full GC (the
 * process runs with --expose-gc), CPU time and event-loop utilisation.
 */
import { performance } from 'node:perf_hooks';

export interface ProbeStats {
	rss: number;
	heapUsed: number;
	heapTotal: number;
	external: number;
	arrayBuffers: number;
	/** Microseconds of user + system CPU since the process started. */
	cpuMicros: number;
	/** Milliseconds the event loop was busy / idle since the process started. */
	eluActive: number;
	eluIdle: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

if (process.send) {
	process.on('message', (message: { type?: string; gc?: boolean }) => {
		if (message?.type !== 'stats') return;
		if (message.gc !== false && gc) {
			gc();
			gc();
		}
		const memory = process.memoryUsage();
		const cpu = process.cpuUsage();
		const elu = performance.eventLoopUtilization();
		const stats: ProbeStats = {
			rss: memory.rss,
			heapUsed: memory.heapUsed,
			heapTotal: memory.heapTotal,
			external: memory.external,
			arrayBuffers: memory.arrayBuffers,
			cpuMicros: cpu.user + cpu.system,
			eluActive: elu.active,
			eluIdle: elu.idle
		};
		process.send!({ type: 'stats', stats });
	});
	// The IPC channel must not keep a server alive that is otherwise done.
	process.channel?.unref();
}
