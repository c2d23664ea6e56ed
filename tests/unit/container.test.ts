/**
 * No Docker engine runs in CI, so the Dockerfile and compose.yaml are checked against what
 * they name: npm scripts, files, the built entry point, the health check route, the
 * server's settings and ports.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../src/lib/protocol/api.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (file: string) => readFileSync(join(root, file), 'utf8');
const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string>; dependencies: Record<string, string>; engines: { node: string } };

/** The Dockerfile's instructions, continuation lines joined, comments dropped. */
function instructions(): { op: string; args: string }[] {
	return read('Dockerfile')
		.replace(/\\\n/g, ' ')
		.split('\n')
		.map((line) => line.trim())
		.filter((line) => line && !line.startsWith('#'))
		.map((line) => {
			const [op, ...rest] = line.split(/\s+/);
			return { op: op.toUpperCase(), args: rest.join(' ') };
		});
}

const all = instructions();
const of = (op: string) => all.filter((i) => i.op === op).map((i) => i.args);
const runtime = all.slice(all.findLastIndex((i) => i.op === 'FROM'));
const runtimeOf = (op: string) => runtime.filter((i) => i.op === op).map((i) => i.args);
const env = Object.fromEntries(
	runtimeOf('ENV').flatMap((args) => [...args.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1], m[2]]))
);

describe('Dockerfile', () => {
	it('builds on Node 20 slim in stages, with the Node major package.json asks for', () => {
		const froms = of('FROM');
		expect(froms.length).toBeGreaterThanOrEqual(2);
		for (const from of froms) expect(from).toMatch(/^node:20-slim\b/);
		expect(pkg.engines.node).toMatch(/^>=20\./);
	});

	it('runs only npm scripts that exist, and installs from the lockfile', () => {
		const commands = of('RUN').flatMap((run) => run.split('&&').map((c) => c.trim())).filter((c) => c.startsWith('npm '));
		expect(commands).toContain('npm ci --no-audit --no-fund');
		for (const command of commands) {
			const script = /^npm run (\S+)/.exec(command)?.[1];
			if (script) expect(pkg.scripts, `npm run ${script}`).toHaveProperty(script);
		}
		expect(commands).toContain('npm run build');
		expect(commands).toContain('npm prune --omit=dev');
	});

	it('copies files that exist, and starts the file npm run build makes, as npm run serve does', () => {
		for (const copy of of('COPY').filter((c) => !c.startsWith('--from'))) {
			const sources = copy.split(/\s+/).slice(0, -1);
			for (const source of sources) if (source !== '.') expect(existsSync(join(root, source)), source).toBe(true);
		}
		const cmd = JSON.parse(runtimeOf('CMD')[0]) as string[];
		expect(cmd[0]).toBe('node');
		expect(pkg.scripts.serve).toBe(cmd.join(' '));
		const entry = cmd.at(-1)!;
		expect(pkg.scripts.build).toMatch(/build:server/);
		const outdir = /--outdir=(\S+)/.exec(pkg.scripts['build:server'])![1];
		const name = /\b(\w+)=server\/index\.ts/.exec(pkg.scripts['build:server'])![1];
		expect(entry).toBe(`${outdir}/${name}.js`);
		expect(runtimeOf('COPY').some((c) => c.includes(`/app/${outdir}`))).toBe(true);
	});

	it('runs as a non-root user with a data volume, the port it exposes, and a health check on /healthz', () => {
		const user = runtimeOf('USER')[0];
		expect(user).toBeDefined();
		expect(['root', '0']).not.toContain(user);
		expect(runtimeOf('VOLUME')[0]).toContain(`"${env.DATA_DIR}"`);
		expect(runtimeOf('EXPOSE')).toEqual([env.PORT]);
		const health = runtimeOf('HEALTHCHECK')[0];
		expect(health).toContain("'/healthz'");
		// The path the server answers it on is the contract's (server/http/api.ts builds its routes from it).
		expect(ROUTES.health.path).toBe('/healthz');
		// The runtime stage has no devDependencies: what it runs must not need them.
		expect(pkg.dependencies).not.toHaveProperty('tsx');
		expect(health).not.toMatch(/curl|wget/);
	});
});

describe('compose.yaml', () => {
	const compose = read('compose.yaml');
	const config = read('server/config.ts');

	it('has two app replicas from this Dockerfile behind a proxy, with PostgreSQL and Redis', () => {
		expect(compose).toMatch(/^x-app: &app\n {2}build: \.$/m);
		expect(compose).toMatch(/^ {2}app1: \*app$/m);
		expect(compose).toMatch(/^ {2}app2: \*app$/m);
		for (const service of ['proxy', 'postgres', 'redis']) expect(compose).toMatch(new RegExp(`^ {2}${service}:$`, 'm'));
		expect(compose).toContain('@postgres:5432/');
		expect(compose).toContain('redis://redis:6379');
		expect(compose).toContain(`server app1:${env.PORT} `);
		expect(compose).toContain(`server app2:${env.PORT} `);
	});

	it('sets only settings the server reads', () => {
		const appBlock = compose.slice(compose.indexOf('x-app:'), compose.indexOf('\nservices:'));
		const names = [...appBlock.matchAll(/^ {4}([A-Z_]+):/gm)].map((m) => m[1]);
		expect(names.length).toBeGreaterThan(4);
		for (const name of names) expect(config, name).toMatch(new RegExp(`env\\.${name}\\b|'${name}'`));
	});
});
