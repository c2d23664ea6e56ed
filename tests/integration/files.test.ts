/**
 * Handlingar against the real server process (SQLite and the data directory): upload and
 * open, the headers a file is served with, the file cookie, an upload cut halfway and
 * resumed, a file too large, the observer and a confidential item, a deleted meeting's blobs.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAttachment, addItem, attachConfidentialPart, setItemConfidential } from '../../src/lib/meeting/index.ts';
import { FILE_TYPES } from '../../src/lib/protocol/files.ts';
import { invite } from './access-helpers.ts';
import { pdfBytes } from './file-store-contract.ts';
import { type Client, type ServerProcess, connectClient, createMeeting, freePort, startServerProcess, tempDir, waitFor } from './helpers.ts';

const MAX_FILE = 2 * 1024 * 1024;
let server: ServerProcess;
let dataDir: string;
const clients: Client[] = [];

beforeAll(async () => {
	dataDir = tempDir();
	server = await startServerProcess({ dataDir, port: await freePort(), env: { MAX_FILE_BYTES: String(MAX_FILE) } });
});

afterAll(async () => {
	for (const c of clients) c.destroy();
	await server?.stop();
	fs.rmSync(dataDir, { recursive: true, force: true });
});

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function api(method: string, url: string, token: string, body?: unknown, headers: Record<string, string> = {}) {
	const raw = body instanceof Uint8Array;
	const res = await fetch(`${server.origin}${url}`, {
		method,
		headers: { authorization: `Bearer ${token}`, ...(body === undefined || raw ? {} : { 'content-type': 'application/json' }), ...headers },
		body: body === undefined ? undefined : raw ? new Blob([new Uint8Array(body)]) : JSON.stringify(body)
	});
	const text = await res.text();
	return { status: res.status, headers: res.headers, json: text.startsWith('{') ? JSON.parse(text) : null };
}

/** Uploads `bytes` in one go and lists them under `itemId` through the organiser's client. */
async function uploadAndList(meeting: { id: string; token: string }, writer: Client, itemId: string, name: string, bytes: Buffer, type = 'application/pdf') {
	const started = await api('POST', `/api/meetings/${meeting.id}/uploads`, meeting.token, { name, type, size: bytes.length });
	expect(started.status).toBe(201);
	const sent = await api('PATCH', `/api/meetings/${meeting.id}/uploads/${started.json.uploadId}`, meeting.token, bytes, { 'upload-offset': '0' });
	expect(sent.json).toEqual({ offset: bytes.length, size: bytes.length });
	const finished = await api('POST', `/api/meetings/${meeting.id}/uploads/${started.json.uploadId}/finish`, meeting.token);
	expect(finished.json).toEqual({ sha256: sha(bytes), size: bytes.length, type });
	const id = addAttachment(writer.doc, itemId, { name, sha256: finished.json.sha256, size: bytes.length, type });
	await waitFor(() => writer.allSaved(), 'the listing stored');
	return id;
}

async function meetingWithItem() {
	const meeting = await createMeeting(server.origin, 'Nämnd', { sample: false });
	const writer = connectClient(server.origin, meeting.id, meeting.token);
	clients.push(writer);
	await writer.synced();
	const { initMeeting } = await import('../../src/lib/meeting/index.ts');
	initMeeting(writer.doc, { title: 'Nämnd' });
	const itemId = addItem(writer.doc, { title: 'Budget 2027' });
	await waitFor(() => writer.allSaved(), 'the meeting stored');
	return { meeting, writer, itemId };
}

/** Sends the first `cut` bytes of a PATCH body that declares them all, then drops the connection. */
function cutUpload(url: string, token: string, bytes: Buffer, cut: number): Promise<void> {
	return new Promise((resolve) => {
		const req = http.request(`${server.origin}${url}`, {
			method: 'PATCH',
			headers: { authorization: `Bearer ${token}`, 'upload-offset': '0', 'content-length': String(bytes.length) }
		});
		req.on('error', () => resolve());
		req.write(bytes.subarray(0, cut), () => setTimeout(() => req.destroy(), 200));
		req.on('close', () => resolve());
	});
}

describe('handlingar over HTTP', () => {
	it('uploads a file and serves it by its address with the right headers, to the bearer and to the file cookie', async () => {
		const { meeting, writer, itemId } = await meetingWithItem();
		const bytes = pdfBytes(700 * 1024);
		const id = await uploadAndList(meeting, writer, itemId, 'Tjänsteutlåtande Budget 2027.pdf', bytes);

		const res = await fetch(`${server.origin}/api/meetings/${meeting.id}/files/${id}`, { headers: { authorization: `Bearer ${meeting.token}` } });
		expect(res.status).toBe(200);
		expect(sha(new Uint8Array(await res.arrayBuffer()))).toBe(sha(bytes));
		expect(res.headers.get('content-type')).toBe('application/pdf');
		expect(res.headers.get('x-content-type-options')).toBe('nosniff');
		expect(res.headers.get('content-disposition')).toBe(
			`inline; filename="Tjansteutlatande Budget 2027.pdf"; filename*=UTF-8''Tj%C3%A4nsteutl%C3%A5tande%20Budget%202027.pdf`
		);
		expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'/);

		// Without a credential: refused. The address itself never carries one.
		expect((await fetch(`${server.origin}/api/meetings/${meeting.id}/files/${id}`)).status).toBe(401);
		const session = await api('POST', `/api/meetings/${meeting.id}/files/session`, meeting.token);
		expect(session.status).toBe(204);
		const cookie = session.headers.get('set-cookie')!;
		expect(cookie).toMatch(new RegExp(`^motesrum_files=[A-Za-z0-9_-]{43}; Path=/api/meetings/${meeting.id}/files/; Max-Age=\\d+; HttpOnly; SameSite=Strict$`));
		expect(cookie).not.toContain(meeting.token);
		const byCookie = await fetch(`${server.origin}/api/meetings/${meeting.id}/files/${id}`, { headers: { cookie: cookie.split(';')[0] } });
		expect(byCookie.status).toBe(200);
		expect(sha(new Uint8Array(await byCookie.arrayBuffer()))).toBe(sha(bytes));
	});

	it('serves office files as downloads in a sandbox', async () => {
		const { meeting, writer, itemId } = await meetingWithItem();
		const docx = Buffer.concat([Buffer.from('504b0304', 'hex'), pdfBytes(2000).subarray(4)]);
		const type = FILE_TYPES.find((t) => t.extensions.includes('docx'))!.mime;
		const id = await uploadAndList(meeting, writer, itemId, 'Bilaga 1.docx', docx, type);
		const res = await fetch(`${server.origin}/api/meetings/${meeting.id}/files/${id}`, { headers: { authorization: `Bearer ${meeting.token}` } });
		expect(res.headers.get('content-type')).toBe(type);
		expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="Bilaga 1.docx"/);
		expect(res.headers.get('content-security-policy')).toMatch(/^sandbox;/);
	});

	it('resumes an upload cut halfway where it stopped, and keeps nothing until it is whole', async () => {
		const { meeting } = await meetingWithItem();
		const bytes = pdfBytes(1536 * 1024);
		const started = await api('POST', `/api/meetings/${meeting.id}/uploads`, meeting.token, { name: 'Rapport.pdf', type: 'application/pdf', size: bytes.length });
		const url = `/api/meetings/${meeting.id}/uploads/${started.json.uploadId}`;
		await cutUpload(url, meeting.token, bytes, bytes.length / 2);
		let offset = 0;
		await waitFor(async () => (offset = (await api('GET', url, meeting.token)).json.offset) > 0, 'the first half stored');
		expect(offset).toBeLessThanOrEqual(bytes.length / 2);
		expect((await api('POST', `${url}/finish`, meeting.token)).json).toMatchObject({ code: 'incomplete', offset });
		const rest = await api('PATCH', url, meeting.token, bytes.subarray(offset), { 'upload-offset': String(offset) });
		expect(rest.json).toEqual({ offset: bytes.length, size: bytes.length });
		expect((await api('POST', `${url}/finish`, meeting.token)).json.sha256).toBe(sha(bytes));
	});

	it('refuses a file too large before any byte is sent, and stores nothing of it', async () => {
		const { meeting } = await meetingWithItem();
		const res = await api('POST', `/api/meetings/${meeting.id}/uploads`, meeting.token, { name: 'Stor.pdf', type: 'application/pdf', size: MAX_FILE + 1 });
		expect(res.status).toBe(413);
		expect(res.json).toMatchObject({ code: 'file-too-large', limit: MAX_FILE });
		expect(fs.readdirSync(path.join(dataDir, 'files', 'staging'))).toEqual([]);
	});

	it('lets only those who run the meeting upload, and refuses an observer the files of a confidential item', async () => {
		const { meeting, writer, itemId } = await meetingWithItem();
		const open = await uploadAndList(meeting, writer, itemId, 'Öppen.pdf', pdfBytes(5000));
		const secretItem = addItem(writer.doc, { title: 'Personalärende' });
		const secret = await uploadAndList(meeting, writer, secretItem, 'Utredning.pdf', pdfBytes(6000));
		// Marking moves the item's listing into the confidential part: the server serves it from there.
		const part = connectClient(server.origin, `${meeting.id}/confidential`, meeting.token);
		clients.push(part);
		await part.synced();
		attachConfidentialPart(writer.doc, part.doc);
		setItemConfidential(writer.doc, secretItem, 'OSL 39 kap. 3 §');
		await waitFor(() => writer.allSaved() && part.allSaved(), 'confidential stored');
		expect(writer.doc.getMap('attachments').has(secret)).toBe(false);
		expect(part.doc.getMap('attachments').has(secret)).toBe(true);

		const observer = await invite(server.origin, meeting, { name: 'Åhörare', role: 'observer' });
		const member = await invite(server.origin, meeting, { name: 'Ledamot', role: 'member' });
		const file = (id: string, token: string) => fetch(`${server.origin}/api/meetings/${meeting.id}/files/${id}`, { headers: { authorization: `Bearer ${token}` } });
		expect((await file(open, observer.token)).status).toBe(200);
		const refused = await file(secret, observer.token);
		expect(refused.status).toBe(403);
		expect(await refused.text()).toMatch(/confidential/);
		expect((await file(secret, member.token)).status).toBe(200);

		for (const token of [observer.token, member.token]) {
			expect((await api('POST', `/api/meetings/${meeting.id}/uploads`, token, { name: 'x.pdf', type: 'application/pdf', size: 10 })).status).toBe(403);
		}
	});

	it('removes the blobs of a deleted meeting', async () => {
		const { meeting, writer, itemId } = await meetingWithItem();
		const bytes = pdfBytes(9000);
		await uploadAndList(meeting, writer, itemId, 'Borta.pdf', bytes);
		const blob = path.join(dataDir, 'files', 'blobs', sha(bytes).slice(0, 2), sha(bytes));
		expect(fs.existsSync(blob)).toBe(true);
		writer.destroy();
		expect((await api('DELETE', `/api/meetings/${meeting.id}`, meeting.token)).status).toBe(204);
		expect(fs.existsSync(blob)).toBe(false);
	});
});
