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
		adapter: adapter({ out: 'build' }),
		version: { name: appVersion() },
		paths: { relative: false }
	}
};

export default config;
