/**
 * The built app under its Content-Security-Policy in Chromium (no violation, the sync
 * websocket allowed) and the invitation page: issue a personal link with the e-mail
 * text, an observer link, revoke, with axe on the page.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';

/** Records CSP violations and console errors from the first script on. */
async function watchCsp(page: Page): Promise<{ violations: () => Promise<string[]>; console: string[] }> {
	const console: string[] = [];
	page.on('console', (message) => {
		if (message.type() === 'error' || /Content.Security.Policy/i.test(message.text())) console.push(message.text());
	});
	await page.addInitScript(() => {
		const seen: string[] = [];
		(window as unknown as { __csp: string[] }).__csp = seen;
		document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.violatedDirective} ${event.blockedURI}`));
	});
	return { violations: () => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp), console };
}

async function newMeeting(page: Page, title: string): Promise<{ id: string; token: string }> {
	const res = await page.request.post('/api/meetings', { data: { title } });
	expect(res.status()).toBe(201);
	return (await res.json()) as { id: string; token: string };
}

test('pages carry the security headers and run under the CSP without violations; the websocket is allowed', async ({ page }) => {
	const csp = await watchCsp(page);
	const response = await page.goto('/');
	const headers = response!.headers();
	expect(headers['content-security-policy']).toMatch(/script-src 'self' 'sha256-/);
	expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
	expect(headers['x-content-type-options']).toBe('nosniff');
	expect(headers['referrer-policy']).toBe('no-referrer');
	expect(headers['permissions-policy']).toContain('camera=()');
	await expect(page.getByRole('button', { name: 'Skapa möte' })).toBeVisible();

	const meeting = await newMeeting(page, 'Ledningsgrupp');
	const opened = await page.evaluate(
		({ id, token }) =>
			new Promise<string>((resolve) => {
				const ws = new WebSocket(`${location.origin.replace('http', 'ws')}/sync/${id}?token=${token}`);
				ws.onopen = () => {
					ws.close();
					resolve('open');
				};
				ws.onerror = () => resolve('error');
			}),
		meeting
	);
	expect(opened).toBe('open');

	const shell = await page.goto('/shell');
	expect(shell!.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
	await expect(page.getByTestId('app-shell')).toBeVisible();
	expect(await page.locator('meta[http-equiv="content-security-policy"]').getAttribute('content')).toMatch(/script-src 'self' 'sha256-/);

	expect(await csp.violations()).toEqual([]);
	expect(csp.console.filter((line) => /Content.Security.Policy/i.test(line))).toEqual([]);
});

test('the organiser issues a personal link with e-mail text and an observer link, and revokes one', async ({ page }) => {
	const csp = await watchCsp(page);
	const meeting = await newMeeting(page, 'Samverkansgrupp juni');
	await page.goto(`/m/${meeting.id}/invite#token=${meeting.token}`);
	await expect(page.getByRole('heading', { level: 1 })).toContainText('Inbjudningar: Samverkansgrupp juni');

	await page.getByLabel('Namn').fill('Anna Andersson');
	await page.getByLabel('Roll').selectOption('chair');
	await page.getByRole('button', { name: 'Skapa personlig länk' }).click();
	const result = page.getByTestId('invite-result');
	await expect(result.getByRole('heading')).toHaveText('Länk till Anna Andersson');
	const link = await result.getByLabel('Länk').inputValue();
	expect(link).toMatch(new RegExp(`/m/${meeting.id}#token=[A-Za-z0-9_-]{43}$`));
	const email = await result.getByLabel('E-posttext att klistra in').inputValue();
	expect(email).toContain('Inbjudan: Samverkansgrupp juni');
	expect(email).toContain('Hej Anna Andersson!');
	expect(email).toContain('som ordförande');
	expect(email).toContain(link);

	const token = link.split('#token=')[1];
	const me = await page.request.get(`/api/meetings/${meeting.id}`, { headers: { authorization: `Bearer ${token}` } });
	expect(await me.json()).toMatchObject({ role: 'chair', name: 'Anna Andersson' });

	await page.getByRole('button', { name: 'Skapa observatörslänk' }).click();
	await expect(result.getByRole('heading')).toHaveText('Länk till Observatör');
	const rows = page.getByRole('table').getByRole('row');
	await expect(rows).toHaveCount(4);
	await expect(rows.nth(1)).toContainText('Din länk');

	await page.getByRole('button', { name: 'Återkalla länken för Anna Andersson' }).click();
	await expect(page.getByText('Länken för Anna Andersson är återkallad')).toBeVisible();
	await expect(rows.nth(2)).toContainText('Återkallad');
	const after = await page.request.get(`/api/meetings/${meeting.id}`, { headers: { authorization: `Bearer ${token}` } });
	expect(after.status()).toBe(401);

	const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
	expect(axe.violations.map((v) => v.id)).toEqual([]);
	expect(await csp.violations()).toEqual([]);
});

test('a non-organiser sees that only the organiser invites', async ({ page }) => {
	const meeting = await newMeeting(page, 'Nämnd');
	const res = await page.request.post(`/api/meetings/${meeting.id}/invitations`, {
		headers: { authorization: `Bearer ${meeting.token}` },
		data: { name: 'Bo', role: 'member' }
	});
	const { token } = (await res.json()) as { token: string };
	await page.goto(`/m/${meeting.id}/invite#token=${token}`);
	await expect(page.getByText('Bara mötets arrangör kan bjuda in')).toContainText('ledamot');
	await expect(page.getByRole('button', { name: 'Skapa personlig länk' })).toHaveCount(0);
});
