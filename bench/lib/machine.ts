/** The machine a run happened on, for the results document. */
import fs from 'node:fs';
import os from 'node:os';

export interface MachineInfo {
	cpu: string;
	cores: number;
	memoryGiB: number;
	node: string;
	platform: string;
	date: string;
}

export function machineInfo(): MachineInfo {
	const cpus = os.cpus();
	return {
		cpu: cpus[0]?.model.trim() ?? 'unknown',
		cores: cpus.length,
		memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
		node: process.version,
		platform: `${os.type()} ${os.release()} ${os.arch()}`,
		date: new Date().toISOString()
	};
}

/**
 * CPU seconds used by the whole machine and by this process (with its exited
 * children), from /proc. Other jobs on the machine move the tails a lot, so every run
 * reports how much CPU others took while it measured.
 */
export interface CpuSnapshot {
	machineSeconds: number;
	ownSeconds: number;
	at: number;
}

/** USER_HZ: the unit of /proc/stat and /proc/<pid>/stat times on Linux. */
const TICKS_PER_SECOND = 100;

export function cpuSnapshot(): CpuSnapshot {
	const at = performance.now();
	try {
		const [, ...fields] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
		// user nice system idle iowait irq softirq steal …: busy is all but idle and iowait.
		const ticks = fields.slice(0, 8).map(Number);
		const machine = ticks.reduce((sum, value) => sum + value, 0) - ticks[3] - ticks[4];
		const self = fs.readFileSync('/proc/self/stat', 'utf8');
		// Fields after the command name (which may contain spaces): utime is 14th, cstime 17th overall.
		const rest = self.slice(self.lastIndexOf(')') + 2).split(' ');
		const own = Number(rest[11]) + Number(rest[12]) + Number(rest[13]) + Number(rest[14]);
		return { machineSeconds: machine / TICKS_PER_SECOND, ownSeconds: own / TICKS_PER_SECOND, at };
	} catch {
		return { machineSeconds: Number.NaN, ownSeconds: Number.NaN, at };
	}
}

/**
 * CPU % (of one core) that other processes used between two snapshots; `alsoOursSeconds`
 * is CPU of our own children still running (e.g. a server measured through its probe).
 */
export function othersCpuPercent(before: CpuSnapshot, after: CpuSnapshot, alsoOursSeconds = 0): number {
	const wall = (after.at - before.at) / 1000;
	const others = after.machineSeconds - before.machineSeconds - (after.ownSeconds - before.ownSeconds) - alsoOursSeconds;
	return Math.max(0, Math.round((others / wall) * 100));
}

/** Waits (up to `timeoutMs`) until other processes use less than `maxPercent` of one core over a second. */
export async function waitForQuietMachine(maxPercent = 15, timeoutMs = 60_000): Promise<number> {
	const deadline = performance.now() + timeoutMs;
	for (;;) {
		const before = cpuSnapshot();
		await new Promise((resolve) => setTimeout(resolve, 1000));
		const others = othersCpuPercent(before, cpuSnapshot());
		if (!(others >= maxPercent) || performance.now() > deadline) return others;
	}
}
