import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { execSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * The app version must be the same every time this file is evaluated (kit loads it
 * again for the client build; a changing value breaks hydration), so it is the git
 * commit, or APP_VERSION when building outside a checkout.
 */
function appVersion() {
	if (process.env.APP_VERSION) return process.env.APP_VERSION;
	try {
		return execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
	} catch {
		return 'dev';
	}
}

/**
 * The inline scripts of src/app.html (the early sync socket, src/lib/sync/early-socket.ts; the
 * stored view of the room, src/lib/sync/room-snapshot.ts), allowed by their hashes as kit's own
 * bootstrap is: the policy stays without 'unsafe-inline'.
 */
function appHtmlScriptHashes() {
	const html = readFileSync(new URL('./src/app.html', import.meta.url), 'utf8');
	const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1]);
	if (scripts.length !== 2) throw new Error(`src/app.html: expected the 2 inline scripts, found ${scripts.length}`);
	return scripts.map((script) => `sha256-${createHash('sha256').update(script).digest('base64')}`);
}

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// BUILD_DIR lets the update test build a second version beside the one being served.
		adapter: adapter({ out: process.env.BUILD_DIR ?? 'build' }),
		version: { name: appVersion() },
		// Absolute asset paths: the service worker serves one shell HTML at every URL, /m/<id> too.
		paths: { relative: false },
		// Content-Security-Policy (docs/security.md). Hashes, not nonces: the same HTML (and
		// its policy) is cached by the service worker and served offline. Kit hashes its own
		// inline bootstrap script; prerendered pages get the policy as a <meta> tag, where
		// frame-ancestors cannot be said, so the server sends that part as a header.
		csp: {
			mode: 'hash',
			directives: {
				'default-src': ['self'],
				'script-src': ['self', ...appHtmlScriptHashes()],
				// Svelte transitions and style attributes need inline styles; scripts stay strict.
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:', 'blob:'],
				'font-src': ['self'],
				// The sync websocket: 'self' covers ws(s) on the same host in current browsers, ws:/wss: older ones.
				'connect-src': ['self', 'ws:', 'wss:'],
				'worker-src': ['self'],
				'manifest-src': ['self'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'form-action': ['self'],
				'frame-src': ['none'],
				'frame-ancestors': ['none']
			}
		},
		serviceWorker: {
			// Registered by src/lib/pwa/ through workbox-window, so updates wait for the user's click.
			register: false,
			files: (file) => !/(^|\/)(README\.md|\.DS_Store)$/.test(file)
		}
	}
};

export default config;
