/**
 * The installable, offline-opening app: manifest and icons, the service worker's precache
 * and shell, and the update prompt, in real Chromium with the real built service worker.
 *
 * Most tests use the configured web server. The slow-network and update tests start their
 * own adapter-node servers on a free port, because they must stop, pause or swap the
 * server behind one origin (a service worker belongs to its origin).
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(import.meta.dirname, '../..');
const BUILD = join(ROOT, 'build');
/** A meeting this browser has never opened (22 URL-safe base64 characters). */
const UNSEEN_MEETING = '/m/pwaNeverOpened_0123a';
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

function builtVersion(dir: string): string {
	return JSON.parse(readFileSync(join(dir, 'client/_app/version.json'), 'utf8')).version;
}

async function waitUntilControlled(page: Page): Promise<void> {
	await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20_000 });
}

function cacheKeys(page: Page): Promise<string[]> {
	return page.evaluate(() => caches.keys());
}

/** The app's own header, which only the client-side app renders (the HTML body is empty). */
function appHeader(page: Page) {
	return page.getByRole('banner').getByRole('link', { name: 'Mötesrum' });
}

/** The prompt's live region (other parts of the app may have status regions of their own). */
function updateStatus(page: Page) {
	return page.locator('[data-app-version]').getByRole('status');
}

/** PNG width and height from the IHDR chunk. */
function pngSize(bytes: Buffer): [number, number] {
	expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
	return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

function freePort(): Promise<number> {
	return new Promise((done, fail) => {
		const server = createServer();
		server.once('error', fail);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => done(port));
		});
	});
}

/** One adapter-node build served on a fixed port, started and stopped by the test. */
class BuildServer {
	private constructor(
		private readonly child: ChildProcess,
		readonly origin: string
	) {}

	static async start(dir: string, port: number): Promise<BuildServer> {
		const child = spawn(process.execPath, [join(dir, 'index.js')], {
			cwd: ROOT,
			env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' },
			stdio: ['ignore', 'ignore', 'inherit']
		});
		const server = new BuildServer(child, `http://127.0.0.1:${port}`);
		const deadline = Date.now() + 20_000;
		for (;;) {
			if (child.exitCode !== null) throw new Error(`server for ${dir} exited with ${child.exitCode}`);
			const ready = await fetch(server.origin + '/shell').then((r) => r.ok, () => false);
			if (ready) return server;
			if (Date.now() > deadline) throw new Error(`server for ${dir} did not start`);
			await new Promise((r) => setTimeout(r, 100));
		}
	}

	/** The process keeps its socket but answers nothing: a network that hangs. */
	pause(): void {
		this.child.kill('SIGSTOP');
	}

	async stop(): Promise<void> {
		if (this.child.exitCode !== null || this.child.signalCode !== null) return;
		const exited = new Promise((r) => this.child.once('exit', r));
		this.child.kill('SIGCONT');
		this.child.kill('SIGTERM');
		await exited;
	}
}

test.describe('installable app', () => {
	test('the manifest is linked, valid and its icons load', async ({ page, request }) => {
		const response = await request.get('/manifest.webmanifest');
		expect(response.ok()).toBe(true);
		expect(response.headers()['content-type']).toMatch(/^application\/manifest\+json/);
		const manifest = await response.json();
		expect(manifest).toMatchObject({
			name: 'Mötesrum',
			short_name: 'Mötesrum',
			lang: 'sv',
			start_url: '/',
			scope: '/',
			display: 'standalone',
			theme_color: '#1d4e89'
		});
		expect(manifest.description).toMatch(/möte/i);
		expect(manifest.background_color).toMatch(/^#[0-9a-f]{6}$/i);

		type Icon = { src: string; sizes: string; type: string; purpose: string };
		const icons: Icon[] = manifest.icons;
		for (const purpose of ['any', 'maskable']) {
			for (const size of [192, 512]) {
				const icon = icons.find((i) => i.purpose === purpose && i.sizes === `${size}x${size}`);
				expect(icon, `${purpose} ${size}px`).toMatchObject({ type: 'image/png' });
				const png = await request.get(icon!.src);
				expect(png.ok()).toBe(true);
				expect(pngSize(await png.body())).toEqual([size, size]);
			}
		}
		for (const icon of icons.filter((i) => i.type === 'image/svg+xml')) {
			const svg = await request.get(icon.src);
			expect(svg.ok(), icon.src).toBe(true);
			expect(svg.headers()['content-type']).toMatch(/^image\/svg\+xml/);
		}

		await page.goto('/');
		await expect(page.locator('link[rel="manifest"]')).toHaveAttribute('href', '/manifest.webmanifest');
		const touchIcon = await request.get((await page.locator('link[rel="apple-touch-icon"]').getAttribute('href'))!);
		expect(pngSize(await touchIcon.body())).toEqual([180, 180]);

		// Chromium's own reading of the manifest and its install criteria.
		await waitUntilControlled(page);
		const cdp = await page.context().newCDPSession(page);
		const { errors } = await cdp.send('Page.getAppManifest');
		expect(errors).toEqual([]);
		const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
		// Test contexts are incognito, where Chromium never offers installing.
		expect(installabilityErrors.filter((e) => e.errorId !== 'in-incognito')).toEqual([]);
	});
});

test.describe('offline', () => {
	test('the service worker installs, controls the page and precaches the app', async ({ page }) => {
		await page.goto('/');
		await waitUntilControlled(page);
		const version = await page.locator('[data-app-version]').getAttribute('data-app-version');
		expect(await cacheKeys(page)).toEqual([`motesrum-${version}`]);
		const cached = await page.evaluate(async (name) => {
			const cache = await caches.open(name);
			return (await cache.keys()).map((r) => new URL(r.url).pathname);
		}, `motesrum-${version}`);
		expect(cached).toEqual(expect.arrayContaining(['/shell', '/manifest.webmanifest', '/icons/icon-512.png']));
		expect(cached.some((path) => path.startsWith('/_app/immutable/entry/'))).toBe(true);
		expect(cached.filter((path) => /README|^\/api\/|^\/healthz|^\/sync/.test(path))).toEqual([]);
	});

	test('the start page and a never-opened meeting open without a network', async ({ page, context }) => {
		await page.goto('/');
		await waitUntilControlled(page);
		await context.setOffline(true);

		await page.reload();
		await expect(appHeader(page)).toBeVisible();
		await expect(page.getByRole('heading', { level: 2, name: 'Nytt möte' })).toBeVisible();

		await page.goto(UNSEEN_MEETING);
		expect(new URL(page.url()).pathname).toBe(UNSEEN_MEETING);
		await expect(appHeader(page)).toBeVisible();
		// The shell's HTML rendered the route of the URL, not the shell's own page.
		await expect(page.getByRole('main')).not.toBeEmpty();
		await expect(page.getByTestId('app-shell')).toHaveCount(0);
		await expect(page.getByRole('heading', { name: 'Nytt möte' })).toHaveCount(0);
		// The meeting screen's own answer: never opened here, and no network to fetch it.
		const notHere = page.getByTestId('not-on-device');
		await expect(notHere.getByRole('heading', { level: 2 })).toHaveText('Mötet finns inte på den här enheten');
		await expect(notHere).toContainText('Öppna länken till mötet igen när du är ansluten.');
	});

	test('the API and the health check are never answered from the cache', async ({ page, context }) => {
		await page.goto('/');
		await waitUntilControlled(page);
		const request = (path: string) =>
			page.evaluate((p) => fetch(p).then((r) => `status ${r.status}`, () => 'network error'), path);
		for (const path of ['/api/meetings', '/healthz']) expect(await request(path)).toMatch(/^status /);

		await context.setOffline(true);
		for (const path of ['/api/meetings', '/healthz']) expect(await request(path)).toBe('network error');
	});
});

test.describe('own servers', () => {
	let port: number;
	const servers: BuildServer[] = [];

	test.beforeEach(async () => {
		port = await freePort();
	});

	test.afterEach(async () => {
		await Promise.all(servers.splice(0).map((server) => server.stop()));
	});

	async function serve(dir: string): Promise<BuildServer> {
		const server = await BuildServer.start(dir, port);
		servers.push(server);
		return server;
	}

	test('a navigation gets the cached shell without asking the server, also one that hangs', async ({ page, context }) => {
		const server = await serve(BUILD);
		await page.goto(server.origin + '/');
		await waitUntilControlled(page);
		// What the worker itself asks the network for (a network-first worker would fetch the page).
		const askedByWorker: string[] = [];
		context.on('request', (request) => {
			if (request.serviceWorker() && new URL(request.url()).pathname === UNSEEN_MEETING) askedByWorker.push(request.url());
		});

		server.pause();
		await page.goto(server.origin + UNSEEN_MEETING);
		await expect(appHeader(page)).toBeVisible();
		await expect(page.getByTestId('app-shell')).toHaveCount(0);
		expect(askedByWorker).toEqual([]);
	});

	test.describe('a new version', () => {
		const nextBuild = join(ROOT, 'test-results', 'pwa-next-build');
		let current: string;
		let next: string;

		test.beforeAll(async () => {
			test.setTimeout(180_000);
			current = builtVersion(BUILD);
			next = `${current}-next`;
			rmSync(nextBuild, { recursive: true, force: true });
			await promisify(execFile)('npx', ['vite', 'build'], {
				cwd: ROOT,
				env: { ...process.env, APP_VERSION: next, BUILD_DIR: nextBuild },
				maxBuffer: 64 * 1024 * 1024
			});
			expect(builtVersion(nextBuild)).toBe(next);
		});

		test('is offered politely and loads only on the click, in that tab only', async ({ context }) => {
			test.setTimeout(90_000);
			const oldServer = await serve(BUILD);
			const meeting = await context.newPage();
			const other = await context.newPage();
			for (const page of [meeting, other]) {
				await page.goto(oldServer.origin + '/');
				await waitUntilControlled(page);
				await expect(page.locator('[data-app-version]')).toHaveAttribute('data-app-version', current);
				// Survives only as long as the page is not reloaded.
				await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
			}

			await oldServer.stop();
			await serve(nextBuild);
			await meeting.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());

			for (const page of [meeting, other]) {
				await expect(updateStatus(page)).toHaveText('Ny version finns — ladda om när det passar.');
				await expect(page.getByRole('button', { name: 'Ladda om' })).toBeVisible();
			}
			const axe = await new AxeBuilder({ page: meeting }).withTags(WCAG_TAGS).analyze();
			expect(axe.violations).toEqual([]);

			// Nothing reloads by itself, whatever a meeting is in the middle of.
			await meeting.waitForTimeout(1_000);
			for (const page of [meeting, other]) {
				expect(await page.evaluate(() => 'notReloaded' in window)).toBe(true);
				await expect(page.locator('[data-app-version]')).toHaveAttribute('data-app-version', current);
			}

			await other.getByRole('button', { name: 'Senare' }).click();
			await expect(other.getByRole('button', { name: 'Ladda om' })).toBeHidden();
			await expect(updateStatus(other)).toHaveText('');

			await meeting.getByRole('button', { name: 'Ladda om' }).click();
			await expect(meeting.locator('[data-app-version]')).toHaveAttribute('data-app-version', next);
			expect(await meeting.evaluate(() => 'notReloaded' in window)).toBe(false);
			await expect(meeting.getByRole('button', { name: 'Ladda om' })).toBeHidden();
			expect(await cacheKeys(meeting)).toEqual([`motesrum-${next}`]);

			// The other tab was not reloaded under its user.
			expect(await other.evaluate(() => 'notReloaded' in window)).toBe(true);
		});
	});
});
