/** Shared steps of the meeting room specs: create a meeting, open it in a context, run axe. */
import AxeBuilder from '@axe-core/playwright';
import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
export const PHONE = { width: 360, height: 640 };
export const LAPTOP = { width: 1280, height: 800 };

export interface CreatedMeeting {
	id: string;
	token: string;
}

/** Creates a meeting through the start page, as an organiser would; returns its link parts. */
export async function createMeetingViaStartPage(page: Page, title: string): Promise<CreatedMeeting> {
	await page.goto('/');
	await page.getByLabel('Mötets namn').fill(title);
	await page.getByRole('button', { name: 'Skapa möte' }).click();
	await page.waitForURL(/\/m\/[^/#]+/);
	const id = new URL(page.url()).pathname.split('/').pop()!;
	const token = await page.evaluate((meetingId) => sessionStorage.getItem(`motesrum:token:${meetingId}`), id);
	expect(token).toBeTruthy();
	return { id, token: token! };
}

export async function openMeeting(page: Page, meeting: CreatedMeeting, options: { testHook?: boolean } = {}): Promise<void> {
	await page.goto(`/m/${meeting.id}${options.testHook ? '?testhook' : ''}#token=${meeting.token}`);
	await expectReady(page);
}

/** The meeting document is there and the server has sent its state. */
export async function expectReady(page: Page): Promise<void> {
	await expect(page.getByRole('tablist', { name: 'Mötets delar' })).toBeVisible();
	await expect(page.getByTestId('connection-status')).toHaveAttribute('data-connection', 'online');
}

export async function newContext(browser: Browser, viewport = LAPTOP): Promise<BrowserContext> {
	return browser.newContext({ viewport, locale: 'sv-SE', serviceWorkers: 'block' });
}

export async function expectNoAxeViolations(page: Page, label: string): Promise<void> {
	const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
	const summary = results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
	expect(summary, `axe violations on ${label}`).toEqual([]);
}

export function tab(page: Page, name: string) {
	return page.getByRole('tab', { name, exact: false });
}

/** Waits until every edit of this page is confirmed by the server. */
export async function expectSaved(page: Page): Promise<void> {
	await expect(page.getByTestId('save-status')).toHaveText('Sparat');
}
