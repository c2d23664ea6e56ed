/**
 * `npm run bench:profile`: our server under the server-bound capacity load at one step
 * (default 40 meetings × 20 clients, 5 of them real clients, `-- <meetings>` to change),
 * with V8's --cpu-prof. Prints
 * where the server's CPU time went: self time per function and per module group,
 * idle excluded. The .cpuprofile file stays in the printed directory (open it in
 * Chrome DevTools for the call tree).
 */
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from './lib/servers.ts';
import { capacityServerBoundFull, runCapacity } from './sync/capacity.ts';
import { toMarkdown } from './lib/report.ts';

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	hitCount?: number;
}
interface CpuProfile {
	nodes: ProfileNode[];
	samples: number[];
	timeDeltas: number[];
}

/** Coarse owner of a function, by its source file. */
function group(url: string, functionName: string): string {
	if (!url) return functionName.startsWith('(') ? functionName : '(native)';
	const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
	if (match) return match[1];
	if (url.startsWith('node:')) return 'node core';
	const relative = url.replace(/^file:\/\//, '').split('/server/')[1];
	return relative ? `server/${relative.split('/')[0]}` : url;
}

function summarise(profile: CpuProfile, top: number): string {
	const selfMicros = new Map<number, number>();
	profile.samples.forEach((nodeId, i) => selfMicros.set(nodeId, (selfMicros.get(nodeId) ?? 0) + (profile.timeDeltas[i] ?? 0)));
	const byFunction = new Map<string, number>();
	const byGroup = new Map<string, number>();
	let busy = 0;
	for (const node of profile.nodes) {
		const micros = selfMicros.get(node.id) ?? 0;
		const { functionName, url, lineNumber } = node.callFrame;
		if (functionName === '(idle)' || micros === 0) continue;
		busy += micros;
		const file = url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '');
		const key = `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
		byFunction.set(key, (byFunction.get(key) ?? 0) + micros);
		const owner = group(url, functionName);
		byGroup.set(owner, (byGroup.get(owner) ?? 0) + micros);
	}
	const table = (title: string, entries: Map<string, number>) => {
		const rows = [...entries].sort((a, b) => b[1] - a[1]).slice(0, top);
		return [`| ${title} | self ms | % of busy |`, '| --- | --- | --- |', ...rows.map(([name, micros]) => `| ${name} | ${Math.round(micros / 1000)} | ${((micros / busy) * 100).toFixed(1)} |`)].join('\n');
	};
	return `busy (non-idle) CPU in the profile: ${Math.round(busy / 1000)} ms\n\n${table('module group', byGroup)}\n\n${table('function', byFunction)}`;
}

async function main(): Promise<void> {
	process.setMaxListeners(0);
	const meetings = Number(process.argv[2] ?? 40);
	const profileDir = tempDir('profile');
	const result = await runCapacity({ ...capacityServerBoundFull, kinds: ['ours'], steps: [meetings], measureSeconds: 10, profileDir });
	console.log(`${toMarkdown(result)}\n`);
	const file = fs.readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
	if (!file) throw new Error(`no .cpuprofile written to ${profileDir}`);
	const profile = JSON.parse(fs.readFileSync(path.join(profileDir, file), 'utf8')) as CpuProfile;
	console.log(`profile: ${path.join(profileDir, file)} (covers the whole server run: connecting, warm-up and measuring)\n`);
	console.log(summarise(profile, 15));
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		console.error(error);
		process.exit(1);
	}
);
