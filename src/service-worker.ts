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
const MEETING_PATH = /^\/m\/[^/]+\/?$/;

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
	const shell = (MEETING_PATH.test(new URL(request.url).pathname) && (await cache.match(MEETING_SHELL))) || (await cache.match(SHELL));
	if (shell) return shell;
	try {
		return await fetchInTime(request);
	} catch {
		return Response.error();
	}
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
