/**
 * One browser context with its own network to the server, for the offline specs. Each device
 * reaches the server through its own TCP proxy: "offline" cuts that proxy (open websockets
 * included, which Chromium's offline emulation leaves alone) and sets the context offline, so
 * navigator.onLine, fetch and the service worker's navigation fallback behave as without a network.
 */
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { startProxy, type Proxy } from '../integration/multi-helpers.ts';
import { LAPTOP } from './room/helpers';

export const SERVER = `http://127.0.0.1:${process.env.E2E_PORT ?? 4317}`;

export interface Meeting {
	id: string;
	token: string;
}

export async function expectOnline(page: Page): Promise<void> {
	await expect(page.getByRole('tablist', { name: 'Mötets delar' })).toBeVisible();
	await expect(page.getByTestId('connection-status')).toHaveAttribute('data-connection', 'online');
}

export async function expectOffline(page: Page): Promise<void> {
	await expect(page.getByTestId('connection-status')).toHaveAttribute('data-connection', 'offline');
}

export class Device {
	private constructor(
		readonly context: BrowserContext,
		private readonly proxy: Proxy
	) {}

	static async open(browser: Browser): Promise<Device> {
		const proxy = await startProxy(Number(new URL(SERVER).port));
		const context = await browser.newContext({ viewport: LAPTOP, locale: 'sv-SE', baseURL: proxy.origin });
		return new Device(context, proxy);
	}

	/**
	 * Cuts the network. The open meeting `pages` must see their socket close before the
	 * context goes offline: Chromium's offline emulation may hold back the close event.
	 */
	async offline(...pages: Page[]): Promise<void> {
		this.proxy.cut();
		for (const page of pages) await expectOffline(page);
		await this.context.setOffline(true);
	}

	async online(): Promise<void> {
		this.proxy.restore();
		await this.context.setOffline(false);
	}

	/** A page of this device with the meeting open and the service worker in control. */
	async openMeeting(meeting: Meeting, page?: Page): Promise<Page> {
		const target = page ?? (await this.context.newPage());
		await target.goto(`/m/${meeting.id}?testhook#token=${meeting.token}`);
		await expectOnline(target);
		await target.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20_000 });
		return target;
	}

	/** IndexedDB's view of one meeting on this device: its list entry and its stored updates. */
	async stored(page: Page, meetingId: string): Promise<{ listed: boolean; updates: number }> {
		return page.evaluate(
			(id) =>
				new Promise((resolve, reject) => {
					const open = indexedDB.open('motesrum');
					open.onerror = () => reject(open.error);
					open.onsuccess = () => {
						const db = open.result;
						const tx = db.transaction(['meetings', 'updates'], 'readonly');
						const listed = tx.objectStore('meetings').getKey(id);
						const updates = tx.objectStore('updates').index('byMeeting').count(id);
						tx.oncomplete = () => {
							db.close();
							resolve({ listed: listed.result !== undefined, updates: updates.result });
						};
					};
				}),
			meetingId
		);
	}

	async close(): Promise<void> {
		await this.context.close();
		await this.proxy.close();
	}
}

/** Devices for the current spec file; each is closed after the test that opened it. */
export function deviceFactory(): (browser: Browser) => Promise<Device> {
	const devices: Device[] = [];
	test.afterEach(async () => {
		while (devices.length) await devices.pop()!.close();
	});
	return async (browser) => {
		const created = await Device.open(browser);
		devices.push(created);
		return created;
	};
}
