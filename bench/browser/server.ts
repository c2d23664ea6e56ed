/**
 * The real server (`node --import tsx server/index.ts`) on the built app, as a child
 * process of the bench, on a throwaway SQLite directory.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, waitFor } from '../../testkit/wait.ts';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Builds the app unless a build is already there (or `force`): the figures are about the production output. */
export function ensureBuild(force: boolean): void {
	if (!force && fs.existsSync(path.join(root, 'build', 'handler.js'))) return;
	const result = spawnSync('npx', ['vite', 'build'], { cwd: root, stdio: 'inherit' });
	if (result.status !== 0) throw new Error(`vite build failed with ${result.status}`);
}

export interface BenchServer {
	origin: string;
	dataDir: string;
	stop(): Promise<void>;
}

/**
 * With LOG_LEVEL=warn the server does not log its "listening" line (it is info), so the
 * bench picks a free port itself (or takes `port`) and waits for /healthz instead of using PORT=0.
 */
export async function startServer(port?: number): Promise<BenchServer> {
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'motesrum-benchweb-'));
	port ??= await freePort();
	const output: string[] = [];
	const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
		cwd: root,
		env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
	child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const origin = `http://127.0.0.1:${port}`;
	try {
		await waitFor(async () => {
			if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output.join('')}`);
			return fetch(`${origin}/healthz`).then((res) => res.ok, () => false);
		}, 'server /healthz', 30_000);
	} catch (error) {
		child.kill('SIGTERM');
		throw error;
	}
	return {
		origin,
		dataDir,
		async stop() {
			if (child.exitCode === null && child.signalCode === null) {
				child.kill('SIGTERM');
				await exited;
			}
			fs.rmSync(dataDir, { recursive: true, force: true });
		}
	};
}
