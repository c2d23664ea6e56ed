import { defineConfig, devices } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * End-to-end tests run the real built app and server on a throwaway SQLite directory,
 * in Debian's Chromium (a test tool's own browser download does not work here).
 */
const port = Number(process.env.E2E_PORT ?? 4317);
const dataDir = process.env.E2E_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'motesrum-e2e-'));
process.env.E2E_DATA_DIR = dataDir;

export const chromiumLaunch = {
	executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
	args: [
		'--no-sandbox',
		'--disable-gpu',
		'--disable-background-networking',
		'--disable-component-update',
		'--disable-sync',
		'--no-first-run'
	]
};

export default defineConfig({
	testDir: 'tests/e2e',
	fullyParallel: false,
	workers: 1,
	retries: process.env.CI ? 1 : 0,
	timeout: 60_000,
	expect: { timeout: 10_000 },
	reporter: process.env.CI ? [['list']] : [['list']],
	use: {
		baseURL: `http://127.0.0.1:${port}`,
		launchOptions: chromiumLaunch,
		trace: 'retain-on-failure',
		locale: 'sv-SE'
	},
	projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], launchOptions: chromiumLaunch } }],
	webServer: {
		// Overridable to run browser-only specs against the plain adapter-node output
		// (E2E_SERVER_COMMAND='node build/index.js' E2E_READY_PATH=/).
		command: process.env.E2E_SERVER_COMMAND ?? 'node --import tsx server/index.ts',
		url: `http://127.0.0.1:${port}${process.env.E2E_READY_PATH ?? '/healthz'}`,
		reuseExistingServer: false,
		timeout: 60_000,
		env: {
			PORT: String(port),
			HOST: '127.0.0.1',
			DATA_DIR: dataDir,
			LOG_LEVEL: 'warn'
		}
	}
});
