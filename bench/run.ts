/**
 * Entry point: `node --import tsx bench/run.ts <bench…|all|smoke>`.
 * Prints each result as a markdown table. A full run (not smoke) also writes
 * bench/results/<date>-<benches>.json with the machine, the command and every figure.
 * Exits non-zero only when a benchmark crashes; targets are reported, never enforced.
 */
import fs from 'node:fs';
import path from 'node:path';
import { cpuSnapshot, machineInfo, othersCpuPercent, waitForQuietMachine } from './lib/machine.ts';
import { type BenchResult, toMarkdown } from './lib/report.ts';
import { root } from './lib/servers.ts';
import {
	capacityCpuFull,
	capacityCpuSmoke,
	capacityFull,
	capacityRealisticFull,
	capacityRealisticSmoke,
	capacityServerBoundFull,
	capacityServerBoundSmoke,
	capacitySmoke,
	runCapacity
} from './sync/capacity.ts';
import { fanoutFull, fanoutSmoke, runFanout } from './sync/fanout.ts';
import { joinStormFull, joinStormSmoke, runJoinStorm, runJoinStormIdle } from './sync/join-storm.ts';
import { memoryFull, memorySmoke, runMemory } from './sync/memory.ts';
import { runSaved, savedFull, savedSmoke } from './sync/saved.ts';
import { runStorage, storageFull, storageSmoke } from './storage/storage.ts';
import { minutesFull, minutesSmoke, runMinutes } from './minutes/minutes.ts';
import { runValidation, validationFull, validationSmoke } from './sync/validation.ts';
import { roomCpuFull, roomCpuSmoke, runRoomCpu } from './sync/room-cpu.ts';
import { runStartup, startupFull, startupSmoke } from './ops/startup.ts';

interface Bench {
	full(): Promise<BenchResult>;
	smoke(): Promise<BenchResult>;
}

const benches: Record<string, Bench> = {
	fanout: { full: () => runFanout(fanoutFull), smoke: () => runFanout(fanoutSmoke) },
	capacity: { full: () => runCapacity(capacityFull), smoke: () => runCapacity(capacitySmoke) },
	'capacity-server': { full: () => runCapacity(capacityServerBoundFull), smoke: () => runCapacity(capacityServerBoundSmoke) },
	'capacity-realistic': { full: () => runCapacity(capacityRealisticFull), smoke: () => runCapacity(capacityRealisticSmoke) },
	'cpu-per-edit': { full: () => runCapacity(capacityCpuFull), smoke: () => runCapacity(capacityCpuSmoke) },
	'room-cpu': { full: () => runRoomCpu(roomCpuFull), smoke: () => runRoomCpu(roomCpuSmoke) },
	'join-storm': { full: () => runJoinStorm(joinStormFull), smoke: () => runJoinStorm(joinStormSmoke) },
	'join-storm-idle': { full: () => runJoinStormIdle(joinStormFull), smoke: () => runJoinStormIdle(joinStormSmoke) },
	saved: { full: () => runSaved(savedFull), smoke: () => runSaved(savedSmoke) },
	memory: { full: () => runMemory(memoryFull), smoke: () => runMemory(memorySmoke) },
	storage: { full: () => runStorage(storageFull), smoke: () => runStorage(storageSmoke) },
	minutes: { full: () => runMinutes(minutesFull), smoke: () => runMinutes(minutesSmoke) },
	validation: { full: () => runValidation(validationFull), smoke: () => runValidation(validationSmoke) },
	startup: { full: () => runStartup(startupFull), smoke: () => runStartup(startupSmoke) }
};

async function main(): Promise<void> {
	// Every y-websocket provider adds a process 'exit' listener; hundreds of clients are the point here.
	process.setMaxListeners(0);
	const args = process.argv.slice(2);
	const smoke = args.includes('smoke');
	const names = args.filter((arg) => arg !== 'smoke' && arg !== 'all');
	const selected = names.length > 0 ? names : Object.keys(benches);
	for (const name of selected) if (!benches[name]) throw new Error(`unknown benchmark "${name}"; known: ${Object.keys(benches).join(', ')}`);

	const machine = machineInfo();
	console.log(`# ${smoke ? 'smoke run' : 'benchmarks'} — ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.date}\n`);
	const results: (BenchResult & { seconds: number; othersCpuPercent: number })[] = [];
	for (const name of selected) {
		// Other jobs on a shared machine move the tails; a full run waits (up to a minute) for a quiet moment.
		const othersBefore = smoke ? null : await waitForQuietMachine();
		const cpuBefore = cpuSnapshot();
		const started = performance.now();
		const result = await (smoke ? benches[name].smoke() : benches[name].full());
		const seconds = Math.round((performance.now() - started) / 100) / 10;
		const others = othersCpuPercent(cpuBefore, cpuSnapshot());
		results.push({ ...result, seconds, othersCpuPercent: others });
		const quiet = othersBefore === null ? '' : `; others used ${othersBefore}% just before`;
		console.log(`${toMarkdown(result)}\n\n(${name}: ${seconds} s; other processes used ${others}% of one core meanwhile${quiet})\n`);
	}
	if (!smoke) {
		const file = path.join(root, 'bench', 'results', `${machine.date.slice(0, 19).replace(/:/g, '')}-${selected.join('+')}.json`);
		fs.mkdirSync(path.dirname(file), { recursive: true });
		const command = `node --import tsx bench/run.ts ${args.join(' ')}`.trim();
		fs.writeFileSync(file, `${JSON.stringify({ machine, command, results }, null, '\t')}\n`);
		console.log(`results written to ${path.relative(root, file)}`);
	}
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		console.error(error);
		process.exit(1);
	}
);
