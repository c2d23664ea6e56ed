/** The agenda can be reordered with the keyboard alone, and the move is announced. */
import { expect, test } from '@playwright/test';
import { createMeetingViaStartPage, expectReady, expectSaved, newContext } from './room/helpers';

test('reorder an agenda item with the keyboard only', async ({ browser }) => {
	const context = await newContext(browser);
	const page = await context.newPage();
	await createMeetingViaStartPage(page, 'Ledningsgrupp tangentbord');
	await expectReady(page);

	const newItem = page.getByLabel('Ny punkt');
	for (const title of ['Välkommen', 'Val av justerare', 'Övriga frågor']) {
		await newItem.focus();
		await page.keyboard.type(title);
		await page.keyboard.press('Enter');
		await expect(page.getByTestId('agenda-list')).toContainText(title);
	}
	const titles = page.getByTestId('agenda-list').locator(':scope > li .title');
	await expect(titles).toHaveText(['1. Välkommen', '2. Val av justerare', '3. Övriga frågor']);

	// Tab to "Flytta upp 3. Övriga frågor" and press it twice with Enter / Space.
	const moveUp = page.getByRole('button', { name: 'Flytta upp 3. Övriga frågor' });
	await page.getByRole('button', { name: 'Visa 3. Övriga frågor' }).focus();
	for (let i = 0; i < 5 && !(await moveUp.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
	await expect(moveUp).toBeFocused();
	await page.keyboard.press('Enter');
	await expect(titles).toHaveText(['1. Välkommen', '2. Övriga frågor', '3. Val av justerare']);
	await expect(page.locator('[aria-live="polite"]').last()).toHaveText('Övriga frågor flyttad till plats 2 av 3.');
	// Focus stays on the moved item's button, so a second press moves it again.
	const movedUp = page.getByRole('button', { name: 'Flytta upp 2. Övriga frågor' });
	await expect(movedUp).toBeFocused();
	await page.keyboard.press('Space');
	await expect(titles).toHaveText(['1. Övriga frågor', '2. Välkommen', '3. Val av justerare']);
	// At the top "up" is disabled, so focus moves to "down" on the same item.
	await expect(page.getByRole('button', { name: 'Flytta ned 1. Övriga frågor' })).toBeFocused();
	await page.keyboard.press('Enter');
	await expect(titles).toHaveText(['1. Välkommen', '2. Övriga frågor', '3. Val av justerare']);
	await expectSaved(page);

	// The order is the document's: it survives a reload.
	await page.reload();
	await expectReady(page);
	await expect(titles).toHaveText(['1. Välkommen', '2. Övriga frågor', '3. Val av justerare']);
	await context.close();
});

test('reorder an agenda item by dragging it', async ({ browser }) => {
	const context = await newContext(browser);
	const page = await context.newPage();
	await createMeetingViaStartPage(page, 'Ledningsgrupp dra och släpp');
	await expectReady(page);
	for (const title of ['Välkommen', 'Val av justerare', 'Övriga frågor']) {
		await page.getByLabel('Ny punkt').fill(title);
		await page.getByLabel('Ny punkt').press('Enter');
	}
	const rows = page.getByTestId('agenda-list').locator(':scope > li');
	const titles = rows.locator('.title');
	await expect(titles).toHaveText(['1. Välkommen', '2. Val av justerare', '3. Övriga frågor']);
	await rows.nth(2).dragTo(rows.nth(0));
	await expect(titles).toHaveText(['1. Övriga frågor', '2. Välkommen', '3. Val av justerare']);
	await expectSaved(page);
	await context.close();
});
