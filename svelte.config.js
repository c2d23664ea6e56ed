import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { execSync } from 'node:child_process';

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

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// BUILD_DIR lets the update test build a second version beside the one being served.
		adapter: adapter({ out: process.env.BUILD_DIR ?? 'build' }),
		version: { name: appVersion() },
		// Absolute asset paths: the service worker serves one shell HTML at every URL, /m/<id> too.
		paths: { relative: false },
		serviceWorker: {
			// Registered by src/lib/pwa/ through workbox-window, so updates wait for the user's click.
			register: false,
			files: (file) => !/(^|\/)(README\.md|\.DS_Store)$/.test(file)
		}
	}
};

export default config;
