/**
 * The stored view of the room (src/lib/sync/room-snapshot.ts, the inline script of src/app.html):
 * a meeting opened online and reopened offline paints what it last showed before the app's code
 * has run, inert and busy, then the live room replaces it; axe on both states; what a crafted
 * snapshot cannot do; and the view cleared with the device's copy (removal, revoked access).
 * Signing out clears it too: tests/e2e/oidc.spec.ts.
 *
 * To hold the page in the "snapshot shown" state, a second page of the same device keeps a
 * readwrite transaction on the copy's updates open: the app cannot read the copy (so the room
 * cannot render) until it is let go, while the snapshot's own store stays readable.
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { createMeeting } from '../integration/helpers.ts';
import { deviceFactory, type Meeting, SERVER } from './device';
import { expectNoAxeViolations } from './room/helpers';

const device = deviceFactory();

interface StoredView {
	html: string;
	build: string;
	lang: string;
	title: string;
	savedAt: number;
}

async function openOnline(page: Page, meeting: Meeting): Promise<void> {
	await page.goto(`/m/${meeting.id}#token=${meeting.token}`);
	await expect(page.getByRole('tablist', { name: 'Mötets delar' })).toBeVisible();
	await expect(page.getByTestId('connection-status')).toHaveAttribute('data-connection', 'online');
	await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20_000 });
}

/** The stored view of a meeting on this device, or null. */
function storedView(page: Page, meetingId: string): Promise<StoredView | null> {
	return page.evaluate(
		(id) =>
			new Promise<StoredView | null>((resolve, reject) => {
				const open = indexedDB.open('motesrum');
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const db = open.result;
					if (!db.objectStoreNames.contains('snapshots')) return (db.close(), resolve(null));
					const read = db.transaction('snapshots').objectStore('snapshots').get(id);
					read.onsuccess = () => (db.close(), resolve((read.result as StoredView | undefined) ?? null));
					read.onerror = () => (db.close(), reject(read.error));
				};
			}),
		meetingId
	);
}

async function waitForStoredView(page: Page, meetingId: string, containing: string): Promise<StoredView> {
	let view: StoredView | null = null;
	await expect
		.poll(async () => ((view = await storedView(page, meetingId)) ? view.html.includes(containing) : false), { timeout: 15_000 })
		.toBe(true);
	return view!;
}

async function putStoredView(page: Page, view: StoredView & { meetingId: string }): Promise<void> {
	await page.evaluate(
		(record) =>
			new Promise<void>((resolve, reject) => {
				const open = indexedDB.open('motesrum');
				open.onsuccess = () => {
					const tx = open.result.transaction('snapshots', 'readwrite');
					tx.objectStore('snapshots').put(record);
					tx.oncomplete = () => (open.result.close(), resolve());
					tx.onerror = () => reject(tx.error);
				};
			}),
		view
	);
}

/** A page of the device that keeps the copy's updates locked until `release()`. */
async function holdCopy(context: BrowserContext): Promise<{ release(): Promise<void> }> {
	const holder = await context.newPage();
	await holder.goto('/');
	await holder.evaluate(
		() =>
			new Promise<void>((resolve) => {
				const w = window as unknown as { __hold: boolean };
				w.__hold = true;
				const open = indexedDB.open('motesrum');
				open.onsuccess = () => {
					const store = open.result.transaction('updates', 'readwrite').objectStore('updates');
					const spin = () => {
						if (w.__hold) store.count().onsuccess = spin;
					};
					spin();
					resolve();
				};
			})
	);
	return {
		async release() {
			await holder.evaluate(() => ((window as unknown as { __hold: boolean }).__hold = false));
			await holder.close();
		}
	};
}

/** Records, in the page, whether the live room was in place when the snapshot went. */
async function watchSnapshotHandOver(page: Page): Promise<void> {
	await page.addInitScript(() => {
		const w = window as unknown as { __handOver?: { liveRoomThere: boolean; rootShown: boolean } };
		new MutationObserver((records) => {
			for (const record of records) {
				for (const node of record.removedNodes) {
					if (!(node instanceof HTMLElement) || !node.hasAttribute('data-room-snapshot')) continue;
					queueMicrotask(() => {
						const root = document.querySelector<HTMLElement>('[data-app-root]');
						w.__handOver = {
							liveRoomThere: root?.querySelector('[data-testid="meeting-room"] [role="tablist"]') != null,
							rootShown: root?.style.display !== 'none'
						};
					});
				}
			}
		}).observe(document, { childList: true, subtree: true });
	});
}

test('a meeting reopened offline shows its stored view at once, inert and busy, then the live room', async ({ browser }) => {
	const meeting = await createMeeting(SERVER, 'Nämnden för stored view', { sample: false });
	const laptop = await device(browser);
	const page = await laptop.context.newPage();
	await openOnline(page, meeting);
	await page.getByRole('tab', { name: 'Dagordning' }).click();
	await page.getByLabel('Ny punkt').fill('Budget 2027');
	await page.getByLabel('Ny punkt').press('Enter');
	// The meeting under way: every open lands on its current item, and so does the stored view.
	await page.getByRole('tab', { name: 'Punkt' }).click();
	await page.getByRole('button', { name: 'Öppna mötet' }).click();
	await expect(page.getByTestId('current-item')).toHaveText('Nu: 1. Budget 2027');
	await page.getByTestId('item-pane').getByRole('textbox', { name: 'Anteckningar' }).fill('Utfallet per april redovisas.');
	await expect(page.getByTestId('save-status')).toHaveText('Sparat', { timeout: 20_000 });
	const stored = await waitForStoredView(page, meeting.id, 'Utfallet per april redovisas.');
	expect(stored.build).toMatch(/\S/);
	expect(stored.html).not.toMatch(/\sid="/);
	expect(stored.html).not.toContain('<script');
	// The connection line is kept for the layout but not painted from a snapshot.
	expect(stored.html).toMatch(/data-testid="connection-status"[^>]*style="visibility: hidden;"/);

	await laptop.offline(page);
	const hold = await holdCopy(laptop.context);
	await watchSnapshotHandOver(page);
	await page.reload();
	const snapshot = page.locator('[data-room-snapshot]');
	await expect(snapshot).toBeVisible();
	await expect(snapshot).toHaveAttribute('inert', '');
	await expect(snapshot).toHaveAttribute('aria-busy', 'true');
	await expect(snapshot.getByText('Nämnden för stored view').first()).toBeVisible();
	await expect(snapshot.getByTestId('current-item')).toHaveText('Nu: 1. Budget 2027');
	await expect(snapshot.locator('textarea').first()).toHaveValue('Utfallet per april redovisas.');
	await expect(snapshot.locator('[id]')).toHaveCount(0);
	await expect(page.locator('[data-app-root]')).toBeHidden();
	const marks = await page.evaluate(() => performance.getEntriesByType('mark').map((mark) => mark.name));
	expect(marks).toContain('motesrum:snapshot-painted');
	expect(marks).not.toContain('motesrum:room-rendered');
	// Inert: nothing in it takes focus.
	await page.keyboard.press('Tab');
	expect(await page.evaluate(() => document.activeElement?.closest('[data-room-snapshot]') == null)).toBe(true);
	await expectNoAxeViolations(page, 'meeting page while its stored view is shown');

	await hold.release();
	await expect(page.getByRole('tablist', { name: 'Mötets delar' })).toBeVisible();
	await expect(snapshot).toHaveCount(0);
	await expect(page.getByTestId('item-pane').getByRole('textbox', { name: 'Anteckningar' })).toHaveValue('Utfallet per april redovisas.');
	expect(await page.evaluate(() => (window as unknown as { __handOver: unknown }).__handOver)).toEqual({ liveRoomThere: true, rootShown: true });
	const order = await page.evaluate(() => ({
		painted: performance.getEntriesByName('motesrum:snapshot-painted')[0]?.startTime ?? -1,
		route: performance.getEntriesByName('motesrum:route')[0]?.startTime ?? -1,
		rendered: performance.getEntriesByName('motesrum:room-rendered')[0]?.startTime ?? -1
	}));
	expect(order.painted).toBeGreaterThan(0);
	expect(order.painted).toBeLessThan(order.rendered);
	await expectNoAxeViolations(page, 'meeting page after the live room replaced its stored view');
});

test('a crafted stored view runs no script and carries no ids; another build\'s view is not shown', async ({ browser }) => {
	const meeting = await createMeeting(SERVER, 'Nämnden för ett farligt utsnitt', { sample: false });
	const laptop = await device(browser);
	const page = await laptop.context.newPage();
	await openOnline(page, meeting);
	const real = await waitForStoredView(page, meeting.id, 'Nämnden för ett farligt utsnitt');
	await laptop.offline(page);
	// The room closed first, so nothing of it captures again over what is written below.
	await page.goto('about:blank');
	const writer = await laptop.context.newPage();
	await writer.goto('/');
	const crafted = [
		'<h1 id="main">Utsnittets rubrik</h1>',
		'<script>window.__pwned = "script"</script>',
		'<img src="/favicon.svg" alt="" onerror="window.__pwned = \'onerror\'" onload="window.__pwned = \'onload\'">',
		'<a href="javascript:window.__pwned = \'href\'">länk</a>',
		'<a href=" JaVaScRiPt:window.__pwned = 1">länk 2</a>',
		'<label for="meeting-title">etikett</label><input name="title" value="x" autofocus>',
		'<iframe src="/"></iframe><object data="/"></object><style>body { display: none }</style>',
		'<div hidden>dold</div><svg><a href="javascript:alert(1)"><text>svg</text></a></svg>'
	].join('');
	// Written after the page's own last capture, and while the room is not shown: nothing replaces it before the reload.
	await putStoredView(writer, { ...real, meetingId: meeting.id, html: crafted });
	const hold = await holdCopy(laptop.context);
	await page.goto(`/m/${meeting.id}`);
	const snapshot = page.locator('[data-room-snapshot]');
	await expect(snapshot.getByText('Utsnittets rubrik')).toBeVisible();
	await page.waitForTimeout(300);
	expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
	const inside = await snapshot.evaluate((box) => ({
		ids: box.querySelectorAll('[id]').length,
		handlers: [...box.querySelectorAll('*')].flatMap((e) => [...e.attributes].filter((a) => a.name.startsWith('on')).map((a) => a.name)),
		scriptUrls: [...box.querySelectorAll('[href]')].map((e) => e.getAttribute('href')).filter((h) => /javascript:/i.test(h ?? '')),
		dropped: box.querySelectorAll('script, iframe, object, style, [hidden], [name], [for], [autofocus]').length
	}));
	expect(inside).toEqual({ ids: 0, handlers: [], scriptUrls: [], dropped: 0 });
	await hold.release();
	await expect(page.getByRole('tablist', { name: 'Mötets delar' })).toBeVisible();
	await expect(snapshot).toHaveCount(0);

	// A view from another build is never painted.
	await page.goto('about:blank');
	await putStoredView(writer, { ...real, meetingId: meeting.id, html: '<h1>Gammalt bygge</h1>', build: 'another-build' });
	const again = await holdCopy(laptop.context);
	await page.goto(`/m/${meeting.id}`);
	await expect(page.getByRole('status').filter({ hasText: 'Öppnar mötet' })).toBeVisible();
	await page.waitForTimeout(500);
	await expect(snapshot).toHaveCount(0);
	await expect(page.getByText('Gammalt bygge')).toHaveCount(0);
	await again.release();
	await expect(page.getByRole('tablist', { name: 'Mötets delar' })).toBeVisible();
});

test('the stored view goes with the copy: removed from the device, and when access is revoked', async ({ browser }) => {
	const meeting = await createMeeting(SERVER, 'Nämnden som tas bort', { sample: false });
	const laptop = await device(browser);
	const page = await laptop.context.newPage();
	await openOnline(page, meeting);
	await waitForStoredView(page, meeting.id, 'Nämnden som tas bort');
	await page.getByRole('button', { name: 'Ta bort från enheten' }).click();
	await page.getByRole('button', { name: 'Ja, ta bort' }).click();
	await page.waitForURL((url) => url.pathname === '/');
	expect(await storedView(page, meeting.id)).toBeNull();

	// A member's personal link, revoked by the organiser: the next open learns it and the view goes.
	const issued = await fetch(`${SERVER}/api/meetings/${meeting.id}/invitations`, {
		method: 'POST',
		headers: { authorization: `Bearer ${meeting.token}`, 'content-type': 'application/json' },
		body: JSON.stringify({ name: 'Maria Medlem', role: 'member' })
	});
	expect(issued.status).toBe(201);
	const invitation = (await issued.json()) as { invitationId: string; token: string };
	const member = await device(browser);
	const memberPage = await member.context.newPage();
	await openOnline(memberPage, { id: meeting.id, token: invitation.token });
	await waitForStoredView(memberPage, meeting.id, 'Nämnden som tas bort');
	const revoked = await fetch(`${SERVER}/api/meetings/${meeting.id}/invitations/${invitation.invitationId}`, {
		method: 'DELETE',
		headers: { authorization: `Bearer ${meeting.token}` }
	});
	expect(revoked.status).toBe(204);
	await expect(memberPage.getByTestId('connection-status')).toHaveAttribute('data-connection', 'error', { timeout: 30_000 });
	await expect.poll(() => storedView(memberPage, meeting.id), { timeout: 10_000 }).toBeNull();
	// And a reload does not bring it back while the error stands.
	await memberPage.reload();
	await expect(memberPage.getByTestId('connection-status')).toHaveAttribute('data-connection', 'error', { timeout: 30_000 });
	await memberPage.waitForTimeout(2_500);
	expect(await storedView(memberPage, meeting.id)).toBeNull();
});
