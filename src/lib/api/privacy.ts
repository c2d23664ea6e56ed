/** The organiser's personal-data requests (server/http/privacy.ts). Errors carry the server's own message. */
import { ApiError } from './meetings';

export interface PersonQuery {
	name?: string;
	email?: string;
}

export interface PersonalDataExport {
	generatedAt: string;
	documents: { id: string; kind: 'meeting' | 'group'; title: string }[];
}

export interface ErasureReport {
	erased: { id: string; title: string; places: number; invitations: number }[];
	kept: { id: string; title: string; approvedAt: string }[];
}

async function post<T>(path: string, body: unknown, organiserSecret: string): Promise<T> {
	const response = await fetch(path, {
		method: 'POST',
		headers: { 'content-type': 'application/json', authorization: `Bearer ${organiserSecret}` },
		body: JSON.stringify(body)
	});
	const json = (await response.json().catch(() => null)) as ({ error?: string } & T) | null;
	if (!response.ok) throw new ApiError(response.status, json?.error ?? response.statusText);
	return json as T;
}

export function exportPersonalData(query: PersonQuery, organiserSecret: string): Promise<PersonalDataExport> {
	return post('/api/privacy/export', query, organiserSecret);
}

export function erasePerson(query: PersonQuery, organiserSecret: string): Promise<ErasureReport> {
	return post('/api/privacy/erase', { ...query, confirm: true }, organiserSecret);
}
