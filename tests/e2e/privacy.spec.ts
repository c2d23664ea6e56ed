/**
 * The organiser's personal-data page, in Swedish, with axe: on the shared e2e server (no
 * ORGANISER_SECRET) requests are refused with the server's reason; against a server of its
 * own with a secret, an invitee is exported (JSON download) and erased.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SECRET = 'e2e-organiser-secret-0123456789';

async function axe(page: import('@playwright/test').Page) {
	const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
	expect(results.violations).toEqual([]);
}

test('the page is Swedish, axe-clean, and says why the shared server refuses', async ({ page }) => {
	await page.goto('/');
	await page.getByRole('link', { name: 'Personuppgifter (för arrangörer)' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Personuppgifter' })).toBeVisible();
	// Neither a secret nor sign-in with an organiser group: the page says so before anyone types.
	await expect(page.getByRole('alert')).toContainText('ORGANISER_SECRET');
	await expect(page.getByRole('alert')).toContainText('OIDC_ORGANISER_GROUP');
	await expect(page.getByLabel('Arrangörslösen')).toHaveCount(0);
	await page.getByLabel('Namn', { exact: true }).fill('Anna Andersson');
	await expect(page.getByRole('button', { name: 'Exportera uppgifter (JSON)' })).toBeDisabled();
	await expect(page.getByRole('button', { name: 'Radera ur möten som inte är justerade' })).toBeDisabled();
	await axe(page);
});

test.describe('against a server with an organiser secret', () => {
	const port = Number(process.env.E2E_PORT ?? 4317) + 11;
	const origin = `http://127.0.0.1:${port}`;
	let server: ChildProcess;
	let dataDir: string;

	test.beforeAll(async () => {
		dataDir = mkdtempSync(join(tmpdir(), 'motesrum-e2e-privacy-'));
		server = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
			env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', ORGANISER_SECRET: SECRET },
			stdio: 'ignore'
		});
		await expect.poll(() => fetch(`${origin}/healthz`).then((r) => r.status, () => 0), { timeout: 30_000 }).toBe(200);
	});

	test.afterAll(() => {
		server.kill('SIGTERM');
		rmSync(dataDir, { recursive: true, force: true });
	});

	test('exports an invitee as JSON, then erases them', async ({ page }) => {
		// The page's own live region (the layout has another, for app updates).
		const result = page.locator('main [role="status"]');
		const created = await fetch(`${origin}/api/meetings`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}` },
			body: JSON.stringify({ title: 'Samverkansgrupp' })
		}).then((r) => r.json() as Promise<{ id: string; token: string }>);
		const invited = await fetch(`${origin}/api/meetings/${created.id}/invitations`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: `Bearer ${created.token}` },
			body: JSON.stringify({ name: 'Anna Andersson', role: 'member' })
		});
		expect(invited.status).toBe(201);

		await page.goto(`${origin}/personuppgifter`);
		await page.getByLabel('Namn', { exact: true }).fill('anna andersson');
		await page.getByLabel('Arrangörslösen').fill(SECRET);
		const download = page.waitForEvent('download');
		await page.getByRole('button', { name: 'Exportera uppgifter (JSON)' }).click();
		const file = await download;
		expect(file.suggestedFilename()).toMatch(/^personuppgifter-\d{4}-\d{2}-\d{2}\.json$/);
		const data = JSON.parse(readFileSync((await file.path())!, 'utf8')) as { documents: { title: string; invitations: { name: string }[] }[] };
		expect(data.documents).toEqual([expect.objectContaining({ title: 'Samverkansgrupp', invitations: [expect.objectContaining({ name: 'Anna Andersson' })] })]);
		await expect(result).toContainText('Personen finns i 1 dokument');

		await page.getByLabel('Jag förstår att raderingen inte kan ångras.').check();
		await page.getByRole('button', { name: 'Radera ur möten som inte är justerade' }).click();
		await expect(result).toContainText('Samverkansgrupp: 0 ställen, 1 inbjudningar');
		await axe(page);

		await page.getByRole('button', { name: 'Exportera uppgifter (JSON)' }).click();
		await expect(result).toContainText('Inga uppgifter om personen hittades.');
	});
});
