/**
 * The language switch on the meeting screen. The client build keeps English out of the
 * screens' code and loads it at start when it is the chosen language (src/lib/i18n/english.ts):
 * switching must give English everywhere at once, also in a tab whose code is loaded later
 * (the parking lot), survive a reload, and switch back to Swedish.
 */
import { expect, test } from '@playwright/test';
import { createMeetingViaStartPage, expectNoAxeViolations, expectReady, newContext, tab } from './room/helpers';

test('switch the meeting screen to English and back to Swedish', async ({ browser }) => {
	const context = await newContext(browser);
	const page = await context.newPage();
	const meeting = await createMeetingViaStartPage(page, 'Ledningsgrupp språk');
	await expectReady(page);
	await expect(tab(page, 'Dagordning')).toBeVisible();

	await page.getByRole('combobox', { name: 'Språk' }).selectOption('en');
	await expect(page.getByRole('tab', { name: 'Agenda' })).toBeVisible();
	await expect(page.locator('html')).toHaveAttribute('lang', 'en');
	await page.getByRole('tab', { name: 'Parking lot' }).click();
	await expect(page.getByRole('tabpanel', { name: 'Parking lot' })).toContainText('Nothing parked.');
	await expectNoAxeViolations(page, 'meeting screen in English');

	await page.goto(`/m/${meeting.id}`);
	await expect(page.getByRole('tab', { name: 'Agenda' })).toBeVisible();

	await page.getByRole('combobox', { name: 'Language' }).selectOption('sv');
	await expect(tab(page, 'Dagordning')).toBeVisible();
	await expect(page.locator('html')).toHaveAttribute('lang', 'sv');
	await context.close();
});
