/**
 * The agenda can be reordered with the keyboard alone, and the move is announced. Ctrl+Z
 * in the notes takes back this person's last phrase, never what someone else wrote.
 */
import { expect, test } from '@playwright/test';
import { createMeetingViaStartPage, expectReady, expectSaved, newContext, openMeeting, tab } from './room/helpers';

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

test('Ctrl+Z in the notes takes back the last phrase, keeps another person’s concurrent edit, and redo puts it back', async ({ browser }) => {
	const context = await newContext(browser);
	const page = await context.newPage();
	const meeting = await createMeetingViaStartPage(page, 'Ledningsgrupp ångra');
	await expectReady(page);
	await page.getByLabel('Ny punkt').fill('Budget');
	await page.getByLabel('Ny punkt').press('Enter');
	await tab(page, 'Punkt').click();
	const otherContext = await newContext(browser);
	const other = await otherContext.newPage();
	await openMeeting(other, meeting);
	await tab(other, 'Punkt').click();

	const notes = page.getByTestId('item-pane').getByRole('textbox', { name: 'Anteckningar' });
	const theirNotes = other.getByTestId('item-pane').getByRole('textbox', { name: 'Anteckningar' });
	await notes.click();
	await page.keyboard.type('Förslaget presenteras.');
	// A pause longer than the undo step (500 ms) ends the first phrase.
	await page.waitForTimeout(900);
	await page.keyboard.type(' Beslut fattas nu');
	await expect(theirNotes).toHaveValue('Förslaget presenteras. Beslut fattas nu');

	// Someone else writes at the start meanwhile.
	await theirNotes.click();
	await other.keyboard.press('Control+Home');
	await other.keyboard.type('Per: ');
	await expect(notes).toHaveValue('Per: Förslaget presenteras. Beslut fattas nu');

	// Undo takes back the whole last phrase, not one character, and not their text.
	await notes.press('Control+z');
	await expect(notes).toHaveValue('Per: Förslaget presenteras.');
	await expect(theirNotes).toHaveValue('Per: Förslaget presenteras.');
	await expect(notes).toBeFocused();
	// Redo, both ways of asking for it.
	await notes.press('Control+Shift+z');
	await expect(notes).toHaveValue('Per: Förslaget presenteras. Beslut fattas nu');
	await notes.press('Control+z');
	await notes.press('Control+z');
	// Their "Per: " stays: only this person's steps are on the stack.
	await expect(notes).toHaveValue('Per: ');
	await notes.press('Control+z');
	await expect(notes).toHaveValue('Per: ');
	await notes.press('Control+y');
	await expect(notes).toHaveValue('Per: Förslaget presenteras.');
	await expect(theirNotes).toHaveValue('Per: Förslaget presenteras.');
	await expectSaved(page);
	await context.close();
	await otherContext.close();
});
