/**
 * Browser figures of issue 9 (docs/benchmarks.md (part 4)): bytes the meeting screen
 * loads, cold and warm load on a throttled phone-like profile, and opening a long
 * meeting from IndexedDB. Runs the built app on the real server, in Debian's Chromium.
 *
 *   node --import tsx bench/browser/run.ts [--smoke] [--runs N] [--edits N] [--build] [--port N]
 *
 * --smoke: tiny parameters and no throttling, to catch crashes only (no thresholds).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { build } from 'vite';
import * as Y from 'yjs';
import { buildEditHistory, createAgendaMeeting, ITEM_TITLES, MARKER } from './meetings.ts';
import { ensureBuild, root, startServer, type BenchServer } from './server.ts';
import type { LoadTiming, Probe } from './probe.ts';

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
function numberArg(name: string, fallback: number): number {
	const at = args.indexOf(name);
	return at === -1 ? fallback : Number(args[at + 1]);
}
const runs = numberArg('--runs', smoke ? 1 : 5);
const edits = numberArg('--edits', smoke ? 1_000 : 50_000);
/** --profile: a CPU profile of the first offline open of each copy, summarised by self time (bench/results/). */
const profile = args.includes('--profile');
/** --long-only: only the opening from IndexedDB (part 3), to iterate on it. */
const longOnly = args.includes('--long-only');
/** --port: the server's port, for a machine where others run servers too (default: one the OS finds free). */
const port = args.includes('--port') ? numberArg('--port', 0) : undefined;

const LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** DevTools' / Lighthouse's "Fast 3G": 562.5 ms RTT (150 ms × 3.75), 1.6 Mbps down and 750 Kbps up, each × 0.9. */
export const FAST_3G = {
	offline: false,
	latency: 562.5,
	downloadThroughput: ((1.6 * 1024 * 1024) / 8) * 0.9,
	uploadThroughput: ((750 * 1024) / 8) * 0.9
};
const CPU_SLOWDOWN = 4;

interface Stats {
	median: number;
	min: number;
	max: number;
	samples: number[];
}

function stats(samples: number[]): Stats {
	const sorted = [...samples].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	return { median, min: sorted[0], max: sorted[sorted.length - 1], samples };
}

function newContext(browser: Browser, options: { probe?: boolean } = {}): Promise<BrowserContext> {
	// The probe that seeds and times IndexedDB is an injected script, which the app's CSP
	// rightly refuses; only that measurement bypasses it, the load figures run under it.
	return browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'sv-SE', bypassCSP: options.probe === true });
}

/**
 * Records, in the page, when the marker text first reaches the DOM and then the next
 * animation frame (the frame that paints it), in ms since navigation start.
 */
async function watchForMarker(page: Page, marker: string): Promise<void> {
	await page.addInitScript((text) => {
		if (!location.pathname.startsWith('/m/')) return;
		const w = window as unknown as { __benchVisibleAt?: number };
		const observer = new MutationObserver(() => {
			if (!document.body?.textContent?.includes(text)) return;
			observer.disconnect();
			requestAnimationFrame(() => {
				w.__benchVisibleAt = performance.now();
			});
		});
		observer.observe(document, { childList: true, subtree: true, characterData: true });
	}, marker);
}

interface Waterfall {
	responseStart: number;
	domContentLoaded: number;
	viaWorker: boolean;
	/** The app's own performance marks (`motesrum:*`), ms since navigation start. */
	marks: Record<string, number>;
	/** Resource timings in ms since navigation start (the WebSocket is not among them). */
	resources: { path: string; start: number; end: number }[];
}

/** Where the time of one load went: the document's and every resource's timing, in ms since navigation start. */
function waterfall(page: Page): Promise<Waterfall> {
	return page.evaluate(() => {
		const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
		const resources = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).map((entry) => ({
			path: new URL(entry.name).pathname,
			start: Math.round(entry.startTime),
			end: Math.round(entry.responseEnd)
		}));
		const marks = Object.fromEntries(
			performance
				.getEntriesByType('mark')
				.filter((mark) => mark.name.startsWith('motesrum:'))
				.map((mark) => [mark.name.slice('motesrum:'.length), Math.round(mark.startTime)])
		);
		return {
			responseStart: Math.round(nav.responseStart),
			domContentLoaded: Math.round(nav.domContentLoadedEventEnd),
			viaWorker: nav.workerStart > 0,
			marks,
			resources
		};
	});
}

/**
 * Waits until the live room has rendered (the app's `room-rendered` mark): the marker may be
 * painted before it, from the room's stored view, and the waterfall should show both.
 */
async function waitForLiveRoom(page: Page, timeoutMs = 60_000): Promise<void> {
	await page.waitForFunction(() => performance.getEntriesByName('motesrum:room-rendered').length > 0, null, { polling: 50, timeout: timeoutMs });
}

/** Navigates and returns ms from navigation start until the marker is painted, after checking Playwright sees it visible. */
async function timeToMarker(page: Page, url: string, marker: string, timeoutMs = 60_000): Promise<number> {
	await page.goto(url, { waitUntil: 'commit', timeout: timeoutMs });
	await page.waitForFunction(() => (window as unknown as { __benchVisibleAt?: number }).__benchVisibleAt !== undefined, null, {
		polling: 100,
		timeout: timeoutMs
	});
	// The time is taken in the page; this only confirms it. A loaded machine may need long for it.
	await page.getByText(marker).first().waitFor({ state: 'visible', timeout: 30_000 });
	return page.evaluate(() => (window as unknown as { __benchVisibleAt: number }).__benchVisibleAt);
}

async function throttle(context: BrowserContext, page: Page): Promise<void> {
	const cdp = await context.newCDPSession(page);
	await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
	await cdp.send('Network.enable');
	await cdp.send('Network.emulateNetworkConditions', FAST_3G);
}

/** The service worker controls the page and the device's copy of the meeting holds data. */
async function waitForOfflineReady(page: Page, meetingId?: string): Promise<void> {
	await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 60_000, polling: 200 });
	if (!meetingId) return;
	await page.waitForFunction(
		(id) =>
			new Promise<boolean>((resolve) => {
				const open = indexedDB.open('motesrum');
				open.onerror = () => resolve(false);
				open.onsuccess = () => {
					const db = open.result;
					if (!db.objectStoreNames.contains('updates')) return (db.close(), resolve(false));
					const count = db.transaction('updates').objectStore('updates').index('byMeeting').count(id);
					count.onsuccess = () => (db.close(), resolve(count.result > 0));
					count.onerror = () => (db.close(), resolve(false));
				};
			}),
		meetingId,
		{ timeout: 60_000, polling: 200 }
	);
}

/**
 * Waits (up to `timeoutMs`) until the device holds the room's stored view of the meeting, which
 * the app writes about a second after the room rendered (src/lib/sync/room-snapshot.ts); false
 * for a build without it (no 'snapshots' store) or when none came.
 */
async function waitForSnapshot(page: Page, meetingId: string, timeoutMs = 8_000): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const state = await page.evaluate(
			(id) =>
				new Promise<'none' | 'absent' | 'stored'>((resolve) => {
					const open = indexedDB.open('motesrum');
					open.onerror = () => resolve('none');
					open.onsuccess = () => {
						const db = open.result;
						if (!db.objectStoreNames.contains('snapshots')) return (db.close(), resolve('none'));
						const read = db.transaction('snapshots').objectStore('snapshots').getKey(id);
						read.onsuccess = () => (db.close(), resolve(read.result === undefined ? 'absent' : 'stored'));
						read.onerror = () => (db.close(), resolve('absent'));
					};
				}),
			meetingId
		);
		if (state === 'stored') return true;
		if (state === 'none') return false;
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	return false;
}

/** A mark of the app's (`motesrum:<name>`) in a waterfall, or NaN. */
function markOf(timing: Waterfall, name: string): number {
	return timing.marks[name] ?? Number.NaN;
}

function statsOf(samples: number[]): Stats | null {
	const present = samples.filter((sample) => Number.isFinite(sample));
	return present.length > 0 ? stats(present) : null;
}

interface Asset {
	url: string;
	type: string;
	raw: number;
	gzip: number;
}

/** Every script and stylesheet a cold load of `url` fetches, until the network is idle. */
async function assetsOf(browser: Browser, url: string, marker: string | null): Promise<Asset[]> {
	const context = await newContext(browser);
	const page = await context.newPage();
	const pending: Promise<Asset | null>[] = [];
	page.on('response', (response) => {
		const type = response.request().resourceType();
		if (type !== 'script' && type !== 'stylesheet') return;
		pending.push(
			response.body().then(
				(body) => ({ url: new URL(response.url()).pathname, type, raw: body.byteLength, gzip: gzipSync(body, { level: 9 }).byteLength }),
				() => null
			)
		);
	});
	if (marker) await watchForMarker(page, marker);
	await page.goto(url, { waitUntil: 'load' });
	if (marker) await page.getByText(marker).first().waitFor({ state: 'visible' });
	await page.waitForLoadState('networkidle');
	const assets = (await Promise.all(pending)).filter((asset): asset is Asset => asset !== null);
	await context.close();
	// The same file can arrive twice (a modulepreload and the import); count it once.
	const unique = new Map(assets.map((asset) => [asset.url, asset]));
	return [...unique.values()].sort((a, b) => b.gzip - a.gzip);
}

function totals(assets: Asset[]) {
	const sum = (type: string, key: 'raw' | 'gzip') => assets.filter((a) => a.type === type).reduce((total, a) => total + a[key], 0);
	return { jsRaw: sum('script', 'raw'), jsGzip: sum('script', 'gzip'), cssRaw: sum('stylesheet', 'raw'), cssGzip: sum('stylesheet', 'gzip'), files: assets.length };
}

async function measureLoads(browser: Browser, server: BenchServer) {
	const meeting = await createAgendaMeeting(server.origin);
	const url = `${server.origin}/m/${meeting.id}#token=${meeting.token}`;
	const cold: number[] = [];
	const warm: number[] = [];
	const waterfalls: { cold: Waterfall; warm: Waterfall }[] = [];
	for (let run = 0; run < runs; run++) {
		const context = await newContext(browser);
		const first = await context.newPage();
		await watchForMarker(first, MARKER);
		if (!smoke) await throttle(context, first);
		cold.push(await timeToMarker(first, url, MARKER));
		const coldWaterfall = await waterfall(first);
		await waitForOfflineReady(first, meeting.id);
		// As a device that had the room open for a moment: its stored view is there for the next visit.
		await waitForSnapshot(first, meeting.id, 10_000);
		await first.close();
		// Second visit, as a new tab of the same browser profile: worker installed, local copy stored.
		const second = await context.newPage();
		await watchForMarker(second, MARKER);
		if (!smoke) await throttle(context, second);
		warm.push(await timeToMarker(second, url, MARKER));
		await waitForLiveRoom(second);
		waterfalls.push({ cold: coldWaterfall, warm: await waterfall(second) });
		await context.close();
	}
	return {
		items: ITEM_TITLES.length,
		cold: stats(cold),
		warm: stats(warm),
		/** The live room's first render on the warm load (`room-rendered`), whatever painted the marker first. */
		warmRoomRendered: statsOf(waterfalls.map((w) => markOf(w.warm, 'room-rendered'))),
		warmFromSnapshot: waterfalls.filter((w) => Number.isFinite(markOf(w.warm, 'snapshot-painted'))).length,
		waterfalls
	};
}

async function probeScript(): Promise<string> {
	const result = await build({
		configFile: false,
		logLevel: 'silent',
		build: {
			write: false,
			minify: false,
			lib: { entry: path.join(root, 'bench/browser/probe.ts'), formats: ['iife'], name: 'benchProbeBundle', fileName: 'probe' }
		}
	});
	const outputs = Array.isArray(result) ? result : [result];
	const chunk = (outputs[0] as { output: { type: string; code?: string }[] }).output.find((item) => item.type === 'chunk');
	if (!chunk?.code) throw new Error('probe bundle is empty');
	return chunk.code;
}

async function measureLongMeeting(browser: Browser, server: BenchServer) {
	const history = buildEditHistory(edits);
	const response = await fetch(`${server.origin}/api/meetings`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ title: 'Långt möte (mätning)' })
	});
	const { id, token } = (await response.json()) as { id: string; token: string };
	const info = (await (await fetch(`${server.origin}/api/meetings/${id}`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
		epoch: number;
	};
	const local = { id, title: 'Långt möte (mätning)', date: null, lastOpened: Date.now(), epoch: info.epoch, byteSize: history.updateBytes, token, role: 'organiser', frozenAt: null };
	const packed = (updates: Uint8Array[]) => ({
		base64: Buffer.concat(updates.map((update) => Buffer.from(update.buffer, update.byteOffset, update.byteLength))).toString('base64'),
		lengths: updates.map((update) => update.byteLength)
	});
	const uncompacted = packed(history.updates);
	// The most the app lets a copy hold (src/lib/sync/local-copy.ts compacts at 500 records, when
	// idle): the history compacted but for its last 499 edits, one record each.
	const tail = Math.min(BOUND - 1, history.updates.length - 1);
	const baseDoc = new Y.Doc();
	Y.transact(baseDoc, () => history.updates.slice(0, history.updates.length - tail).forEach((update) => Y.applyUpdate(baseDoc, update)));
	const bounded = packed([Y.encodeStateAsUpdate(baseDoc), ...history.updates.slice(history.updates.length - tail)]);
	baseDoc.destroy();
	const url = `${server.origin}/m/${id}#token=${token}`;

	const context = await newContext(browser, { probe: true });
	const probePage = await context.newPage();
	await probePage.goto(server.origin + '/');
	await waitForOfflineReady(probePage);
	await probePage.addScriptTag({ content: await probeScript() });
	// Offline from here on: the page must open the meeting from IndexedDB alone (and must not upload 50,000 edits).
	await context.setOffline(true);

	type Window = { __benchProbe: Probe };
	const seed = (copy: { base64: string; lengths: number[] }) =>
		probePage.evaluate(([meeting, data, sizes]) => (window as unknown as Window).__benchProbe.seed(meeting, data, sizes), [local, copy.base64, copy.lengths] as const);
	const loadAndApply = () => probePage.evaluate((meetingId) => (window as unknown as Window).__benchProbe.loadAndApply(meetingId), id);
	const count = () => probePage.evaluate((meetingId) => (window as unknown as Window).__benchProbe.count(meetingId), id);
	const openOffline = async (profileAs?: string) => {
		const page = await context.newPage();
		await watchForMarker(page, MARKER);
		const profiler = profileAs ? await startProfile(context, page) : null;
		const ms = await timeToMarker(page, url, MARKER);
		await waitForLiveRoom(page);
		const timing = await waterfall(page);
		if (profiler && profileAs) profiles[profileAs] = await profiler.stop();
		await page.close();
		return { ms, timing };
	};
	const profiles: Record<string, ProfileSummary> = {};
	/**
	 * The open a device made before (how the copy got there): the room renders and stores its
	 * view, as it would have. Not measured. False where the build stores none.
	 */
	const primeSnapshot = async (): Promise<boolean> => {
		const page = await context.newPage();
		await page.goto(url, { waitUntil: 'commit' });
		await page.getByText(MARKER).first().waitFor({ state: 'visible', timeout: 60_000 });
		const stored = await waitForSnapshot(page, id, 10_000);
		await page.close();
		return stored;
	};

	const result = {} as Record<
		LongCopy,
		{
			stored: number;
			load: Stats;
			loadParts: LoadTiming[];
			/** To the marker visible: the stored view's paint where there is one. */
			open: Stats;
			/** The live room's first render (`room-rendered`) in the same opens. */
			roomRendered: Stats | null;
			/** Opens that painted the stored view first. */
			fromSnapshot: number;
			/** The build stored a view in the unmeasured open before. */
			primed: boolean;
			openTimings: Waterfall[];
		}
	>;
	for (const kind of LONG_COPIES) {
		const compacted = kind === 'compacted';
		const copy = kind === 'bounded' ? bounded : uncompacted;
		const loads: LoadTiming[] = [];
		const opens: number[] = [];
		const openTimings: Waterfall[] = [];
		await seed(copy);
		if (compacted) await probePage.evaluate((meetingId) => (window as unknown as Window).__benchProbe.compact(meetingId), id);
		const primed = await primeSnapshot();
		// The priming open may have compacted the copy: the measured state is the one seeded (with its view kept).
		await seed(copy);
		if (compacted) await probePage.evaluate((meetingId) => (window as unknown as Window).__benchProbe.compact(meetingId), id);
		const stored = await count();
		for (let run = 0; run < runs; run++) loads.push(await loadAndApply());
		for (let run = 0; run < runs; run++) {
			// The app compacts a copy of more than 100 updates after opening it: store the list again each time.
			if (!compacted && run > 0) await seed(copy);
			const open = await openOffline(profile && run === 0 ? kind : undefined);
			opens.push(open.ms);
			openTimings.push(open.timing);
		}
		result[kind] = {
			stored,
			load: stats(loads.map((timing) => timing.loadMs + timing.applyMs)),
			loadParts: loads,
			open: stats(opens),
			roomRendered: statsOf(openTimings.map((timing) => markOf(timing, 'room-rendered'))),
			fromSnapshot: openTimings.filter((timing) => Number.isFinite(markOf(timing, 'snapshot-painted'))).length,
			primed,
			openTimings
		};
	}
	await context.close();
	return { edits: history.updates.length, updateBytes: history.updateBytes, compactedBytes: history.compactedBytes, mix: history.mix, ...result, profiles };
}

/** Records the app lets a copy reach before it compacts it (LocalCopy's compactAfter in src/lib/sync/session.ts). */
const BOUND = 500;
const LONG_COPIES = ['uncompacted', 'bounded', 'compacted'] as const;
type LongCopy = (typeof LONG_COPIES)[number];

interface ProfileSummary {
	totalMs: number;
	/** Self time by function (name, file:line), largest first. */
	top: { fn: string; selfMs: number }[];
}

/** A sampling CPU profile of the page from here on (CDP Profiler), summarised by self time when stopped. */
async function startProfile(context: BrowserContext, page: Page): Promise<{ stop(): Promise<ProfileSummary> }> {
	const cdp = await context.newCDPSession(page);
	await cdp.send('Profiler.enable');
	await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
	await cdp.send('Profiler.start');
	return {
		async stop() {
			const { profile: cpu } = await cdp.send('Profiler.stop');
			const byId = new Map(cpu.nodes.map((node) => [node.id, node]));
			const self = new Map<string, number>();
			const deltas = cpu.timeDeltas ?? [];
			(cpu.samples ?? []).forEach((id, index) => {
				const frame = byId.get(id)?.callFrame;
				if (!frame) return;
				const file = frame.url ? new URL(frame.url, 'http://x').pathname.split('/').pop() : '';
				const key = `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`;
				self.set(key, (self.get(key) ?? 0) + (deltas[index + 1] ?? 0) / 1000);
			});
			const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 40).map(([fn, ms]) => ({ fn, selfMs: Math.round(ms * 10) / 10 }));
			return { totalMs: Math.round((cpu.endTime - cpu.startTime) / 1000), top };
		}
	};
}

function machine() {
	const cpus = os.cpus();
	return {
		cpu: cpus[0]?.model ?? 'unknown',
		cores: cpus.length,
		memoryGiB: Math.round(os.totalmem() / 2 ** 30),
		node: process.version,
		// The machine may be shared: a high load average makes every figure slower and noisier.
		loadAverage1m: os.loadavg()[0],
		date: new Date().toISOString()
	};
}

async function main(): Promise<void> {
	const started = Date.now();
	ensureBuild(args.includes('--build'));
	const server = await startServer(port);
	const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: LAUNCH_ARGS });
	try {
		const bytesMeeting = longOnly ? null : await createAgendaMeeting(server.origin);
		const meetingAssets = bytesMeeting ? await assetsOf(browser, `${server.origin}/m/${bytesMeeting.id}#token=${bytesMeeting.token}`, MARKER) : [];
		const startAssets = longOnly ? [] : await assetsOf(browser, `${server.origin}/`, null);
		const loads = longOnly ? null : await measureLoads(browser, server);
		const longMeeting = await measureLongMeeting(browser, server);
		const report = {
			machine: { ...machine(), chromium: browser.version() },
			parameters: { smoke, runs, edits, cpuSlowdown: smoke ? 1 : CPU_SLOWDOWN, network: smoke ? 'none' : FAST_3G },
			bytes: { meeting: { ...totals(meetingAssets), assets: meetingAssets }, start: { ...totals(startAssets), assets: startAssets } },
			loads,
			longMeeting,
			loadAverage1mAtEnd: os.loadavg()[0],
			seconds: (Date.now() - started) / 1000
		};
		const dir = path.join(root, 'bench', 'results');
		fs.mkdirSync(dir, { recursive: true });
		const file = path.join(dir, `browser-${smoke ? 'smoke-' : ''}${report.machine.date.replace(/[:.]/g, '-')}.json`);
		fs.writeFileSync(file, JSON.stringify(report, null, '\t'));
		printSummary(report);
		console.log(`\nfull results: ${path.relative(root, file)} (${report.seconds.toFixed(1)} s)`);
	} finally {
		await browser.close();
		await server.stop();
	}
}

function printSummary(report: {
	bytes: { meeting: ReturnType<typeof totals> & { assets: Asset[] }; start: ReturnType<typeof totals> };
	loads: Awaited<ReturnType<typeof measureLoads>> | null;
	longMeeting: Awaited<ReturnType<typeof measureLongMeeting>>;
}): void {
	const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
	const ms = (s: Stats) => `${s.median.toFixed(0)} ms (min ${s.min.toFixed(0)}, max ${s.max.toFixed(0)})`;
	const { meeting, start } = report.bytes;
	console.log(`meeting screen: JS ${kb(meeting.jsGzip)} gzip / ${kb(meeting.jsRaw)} raw, CSS ${kb(meeting.cssGzip)} gzip / ${kb(meeting.cssRaw)} raw, ${meeting.files} files`);
	console.log(`start page:     JS ${kb(start.jsGzip)} gzip / ${kb(start.jsRaw)} raw, CSS ${kb(start.cssGzip)} gzip / ${kb(start.cssRaw)} raw, ${start.files} files`);
	for (const asset of meeting.assets.slice(0, 8)) console.log(`  ${asset.url}  ${kb(asset.gzip)} gzip / ${kb(asset.raw)} raw`);
	if (report.loads) {
		console.log(`cold load: ${ms(report.loads.cold)}`);
		console.log(`warm load: ${ms(report.loads.warm)} (${report.loads.warmFromSnapshot} of ${report.loads.warm.samples.length} from the stored view)`);
		if (report.loads.warmRoomRendered) console.log(`  warm load, live room rendered: ${ms(report.loads.warmRoomRendered)}`);
		console.log(`  marks of the first warm load (ms): ${JSON.stringify(report.loads.waterfalls[0]?.warm.marks ?? {})}`);
	}
	const long = report.longMeeting;
	console.log(`long meeting: ${long.edits} edits, ${kb(long.updateBytes)} as updates, ${kb(long.compactedBytes)} compacted, mix ${JSON.stringify(long.mix)}`);
	for (const key of LONG_COPIES) {
		const part = long[key];
		console.log(`  ${key} (${part.stored} records): loadUpdates+apply ${ms(part.load)}; offline open to visible ${ms(part.open)} (${part.fromSnapshot} of ${part.open.samples.length} from the stored view)`);
		if (part.roomRendered) console.log(`    live room rendered (room-rendered): ${ms(part.roomRendered)}`);
		console.log(`    marks of the first open (ms): ${JSON.stringify(part.openTimings[0]?.marks ?? {})}`);
		const summary = long.profiles[key];
		if (summary) for (const entry of summary.top.slice(0, 15)) console.log(`    ${entry.selfMs.toFixed(1).padStart(7)} ms  ${entry.fn}`);
	}
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
