/** The machine a run happened on, for the results document. */
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
