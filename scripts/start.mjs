#!/usr/bin/env node
/**
 * `npm start`: starts the bundled server (build/server.js), building first only when
 * there is no build, or (on a machine with the build tools, i.e. devDependencies) when a
 * source file is newer than it. A production install (`npm ci --omit=dev`) never builds:
 * it starts the build it was given, or says how to make one.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outputs = ['build/server.js', 'build/handler.js'].map((file) => join(root, file));
const sources = ['src', 'server', 'static', 'messages', 'package.json', 'svelte.config.js', 'vite.config.ts'];

/** Newest modification time under `path` (a file or a folder), skipping generated code. */
function newest(path) {
	if (!existsSync(path)) return 0;
	const stat = statSync(path);
	if (!stat.isDirectory()) return stat.mtimeMs;
	let latest = 0;
	for (const entry of readdirSync(path)) {
		if (entry === 'paraglide' || entry === 'node_modules') continue;
		latest = Math.max(latest, newest(join(path, entry)));
	}
	return latest;
}

function canBuild() {
	try {
		createRequire(join(root, 'package.json')).resolve('vite');
		return true;
	} catch {
		return false;
	}
}

function why() {
	if (!outputs.every((file) => existsSync(file))) return 'no build yet';
	if (!canBuild()) return null;
	const built = Math.min(...outputs.map((file) => statSync(file).mtimeMs));
	const changed = Math.max(...sources.map((source) => newest(join(root, source))));
	return changed > built ? 'sources changed since the last build' : null;
}

const reason = why();
if (reason) {
	if (!canBuild()) {
		console.error('No build in build/ and no build tools here (installed with --omit=dev?): run `npm ci && npm run build` first.');
		process.exit(1);
	}
	console.error(`Building (${reason})…`);
	const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
	if (build.status !== 0) process.exit(build.status ?? 1);
}

// A child rather than an import, so the server sees itself as the entry point; signals are
// passed on so that its graceful shutdown runs (docs/deploy.md).
const server = spawn(process.execPath, ['--enable-source-maps', join(root, 'build/server.js')], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
