/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
/**
 * Makes the app open without a network: every build asset, static file and the
 * prerendered shell are cached per version at install; navigations get the cached shell
 * at once (the network only while it is not cached), which renders whatever route the URL names
 * (the app renders client-side only). Live data never passes through here: the API,
 * the health check and the sync websocket always go to the network, and meeting
 * documents live in IndexedDB (src/lib/sync/), not in this cache.
 *
 * One exception under /api/: a meeting's file (`/api/meetings/:id/files/:attachmentId`) is
 * answered from the device's copy in IndexedDB when the device holds it (the page downloaded
 * it, src/lib/sync/device-files.ts), online or not, with the same headers the server sends.
 *
 * One addition to the shell: a navigation to /m/<id> gets the room's stored view of that meeting
 * (src/lib/sync/room-snapshot.ts, read from IndexedDB here) as a JSON data block, which an inline
 * script of the page paints before the app's code runs (docs/offline.md, "The stored view").
 */
import { build, files, prerendered, version } from '$service-worker';
import { FILE_PATH_PATTERN, fileResponseHeaders } from '$lib/protocol/files';

const sw = self as unknown as ServiceWorkerGlobalScope;

const CACHE_PREFIX = 'motesrum-';
const CACHE = `${CACHE_PREFIX}${version}`;

/** The prerendered, client-only page (src/routes/shell/) served for navigations. */
const SHELL = '/shell';
/**
 * The meeting screen's own shell (src/routes/m/[id]/+page.ts): the same empty frame, but
 * its HTML preloads the meeting route's chunks, which the generic shell's cannot name.
 */
const MEETING_SHELL = '/m/_shell';
const MEETING_PATH = /^\/m\/([^/]+)\/?$/;

/** A navigation waits this long for the network before the shell answers (flaky room Wi-Fi). */
const NETWORK_TIMEOUT_MS = 4000;

/**
 * The client router asks for this before it shows any error page (to spot a redeploy);
 * on a network that hangs it must fail in time, or the page never renders.
 */
const VERSION_FILE = '/_app/version.json';

const NETWORK_ONLY = /^\/(api|sync|healthz|metrics)(\/|$)/;

/** Stable names (not content-hashed): fetched past the HTTP cache at install. */
const unhashed = [...new Set([...files, ...prerendered, SHELL, MEETING_SHELL])];

const precached = new Set([...build, ...unhashed]);

/**
 * Chromium's static routing (ServiceWorker Static Routing API, not yet in TypeScript's lib):
 * the build's hashed files are read from this version's cache by the browser itself,
 * without running this script for each of them (a cache miss goes to the network).
 */
interface StaticRoutes {
	addRoutes(rules: { condition: { urlPattern: string }; source: { cacheName: string } }[]): Promise<void>;
}

sw.addEventListener('install', (event) => {
	const routes = event as ExtendableEvent & Partial<StaticRoutes>;
	if (typeof routes.addRoutes === 'function') {
		event.waitUntil(routes.addRoutes([{ condition: { urlPattern: '/_app/immutable/*' }, source: { cacheName: CACHE } }]).catch(() => {}));
	}
	event.waitUntil(
		(async () => {
			const cache = await caches.open(CACHE);
			// Hashed build files may come from the HTTP cache; the shell and static files have
			// stable names, so a stale HTTP copy could point at the previous version's assets.
			await cache.addAll([...build, ...unhashed.map((path) => new Request(path, { cache: 'reload' }))]);
		})()
	);
});

sw.addEventListener('activate', (event) => {
	event.waitUntil(
		(async () => {
			for (const key of await caches.keys()) {
				if (key.startsWith(CACHE_PREFIX) && key !== CACHE) await caches.delete(key);
			}
			// Take over pages opened before the first install, so they work offline at once.
			await sw.clients.claim();
		})()
	);
});

// Sent by workbox-window's messageSkipWaiting() only after the user chose to reload.
sw.addEventListener('message', (event) => {
	if (event.data?.type === 'SKIP_WAITING') void sw.skipWaiting();
});

sw.addEventListener('fetch', (event) => {
	const { request } = event;
	if (request.method !== 'GET') return;
	const url = new URL(request.url);
	if (url.origin !== sw.location.origin) return;
	const file = FILE_PATH_PATTERN.exec(url.pathname);
	if (file) {
		event.respondWith(fromDevice(file[1], file[2], request));
		return;
	}
	if (NETWORK_ONLY.test(url.pathname)) return;

	if (request.mode === 'navigate') {
		event.respondWith(navigate(request));
	} else if (url.pathname === VERSION_FILE) {
		event.respondWith(fetchInTime(request));
	} else if (precached.has(url.pathname)) {
		event.respondWith(cacheFirst(url.pathname, request));
	}
});

/**
 * The cached shell at once: every page's HTML is that same client-only frame, and this
 * version's shell points at exactly the assets this version cached, so waiting for the
 * network (a round trip or more on a phone in the room) would bring nothing new. A new
 * deploy arrives as a new worker and the update prompt, not through a navigation.
 */
async function navigate(request: Request): Promise<Response> {
	const cache = await caches.open(CACHE);
	const meetingId = MEETING_PATH.exec(new URL(request.url).pathname)?.[1];
	const meetingShell = meetingId !== undefined && meetingId !== '_shell' ? await cache.match(MEETING_SHELL) : undefined;
	if (meetingShell) return withStoredView(meetingShell, meetingId!);
	const shell = await cache.match(SHELL);
	if (shell) return shell;
	try {
		return await fetchInTime(request);
	} catch {
		return Response.error();
	}
}

/** Where the meeting shell takes the stored view (src/app.html, just above the script that paints it). */
const SNAPSHOT_SLOT = '<!--room-snapshot-->';
/** A navigation waits at most this long for the stored view; after it the shell goes without (it is only a first paint). */
const SNAPSHOT_READ_TIMEOUT_MS = 150;

/**
 * The meeting shell with the room's stored view of that meeting (src/lib/sync/room-snapshot.ts) put
 * in as JSON in a data block, for the inline script below it to paint while the page is parsed,
 * before any of the app's code has run. Only a view of this build. Every `<` of it is written as
 * `\u003c`, so nothing in it can end the block or open markup; the page's script parses, cleans
 * and inserts it inert. Without a view (or on any failure) the shell as it is.
 */
async function withStoredView(shell: Response, meetingId: string): Promise<Response> {
	const view = await Promise.race([
		readStoredView(meetingId).catch(() => null),
		new Promise<null>((resolve) => setTimeout(() => resolve(null), SNAPSHOT_READ_TIMEOUT_MS))
	]);
	if (!view || view.build !== version || typeof view.html !== 'string') return shell;
	const html = await shell.text();
	if (!html.includes(SNAPSHOT_SLOT)) return new Response(html, { status: shell.status, statusText: shell.statusText, headers: shell.headers });
	const data = JSON.stringify({ html: view.html, build: view.build, lang: view.lang, title: view.title }).replace(/</g, '\\u003c');
	const body = html.replace(SNAPSHOT_SLOT, () => `<script type="application/json" data-room-snapshot-source>${data}</script>`);
	return new Response(body, { status: shell.status, statusText: shell.statusText, headers: shell.headers });
}

/** The meeting's stored view from the app's IndexedDB, opened without a version (the page owns upgrades). */
function readStoredView(meetingId: string): Promise<{ html: unknown; build: unknown; lang: unknown; title: unknown } | null> {
	return new Promise((resolve, reject) => {
		const open = indexedDB.open('motesrum');
		open.onerror = () => reject(open.error);
		open.onupgradeneeded = () => open.transaction?.abort();
		open.onsuccess = () => {
			const db = open.result;
			if (!db.objectStoreNames.contains('snapshots')) {
				db.close();
				return resolve(null);
			}
			const read = db.transaction('snapshots', 'readonly').objectStore('snapshots').get(meetingId);
			read.onsuccess = () => {
				db.close();
				resolve(read.result ?? null);
			};
			read.onerror = () => {
				db.close();
				reject(read.error);
			};
		};
	});
}

async function fetchInTime(request: Request): Promise<Response> {
	const controller = new AbortController();
	const timer = setTimeout(() => controller.abort(), NETWORK_TIMEOUT_MS);
	try {
		return await fetch(request, { signal: controller.signal });
	} finally {
		clearTimeout(timer);
	}
}

async function cacheFirst(path: string, request: Request): Promise<Response> {
	const cached = await (await caches.open(CACHE)).match(path);
	return cached ?? fetch(request);
}

/** The device's copy of a meeting's file, else the network (where the file cookie or header authorises). */
async function fromDevice(meetingId: string, attachmentId: string, request: Request): Promise<Response> {
	const stored = await readDeviceFile(meetingId, attachmentId).catch(() => null);
	if (!stored) return fetch(request);
	return new Response(stored.blob, { status: 200, headers: fileResponseHeaders({ type: stored.type, name: stored.name, size: stored.blob.size }) });
}

/**
 * Reads the file from the app's IndexedDB without opening it at a version (the page owns
 * upgrades, src/lib/sync/local-store.ts): a database without the file stores holds no files.
 */
function readDeviceFile(meetingId: string, attachmentId: string): Promise<{ blob: Blob; type: string; name: string } | null> {
	return new Promise((resolve, reject) => {
		const open = indexedDB.open('motesrum');
		open.onerror = () => reject(open.error);
		// Nothing exists yet: do not create an empty database the page would then have to upgrade.
		open.onupgradeneeded = () => open.transaction?.abort();
		open.onsuccess = () => {
			const db = open.result;
			if (!db.objectStoreNames.contains('files') || !db.objectStoreNames.contains('blobs')) {
				db.close();
				return resolve(null);
			}
			const tx = db.transaction(['files', 'blobs'], 'readonly');
			const fileRequest = tx.objectStore('files').get([meetingId, attachmentId]);
			fileRequest.onsuccess = () => {
				const file = fileRequest.result as { sha256: string; type: string; name: string } | undefined;
				if (!file) return;
				const blobRequest = tx.objectStore('blobs').get(file.sha256);
				blobRequest.onsuccess = () => {
					const stored = blobRequest.result as { blob: Blob } | undefined;
					if (stored) found = { blob: stored.blob, type: file.type, name: file.name };
				};
			};
			let found: { blob: Blob; type: string; name: string } | null = null;
			tx.oncomplete = () => {
				db.close();
				resolve(found);
			};
			tx.onerror = () => {
				db.close();
				reject(tx.error);
			};
		};
	});
}
