/** The organiser's personal-data requests (server/http/privacy.ts). Errors are ApiErrors. */
import type { ErasureReport, PersonalDataExport, RequestBody } from '$lib/protocol/api';
import { callApi } from '$lib/protocol/client';

export type { ErasureReport, PersonalDataExport } from '$lib/protocol/api';

/** One person, by name or e-mail address (at least one). */
export type PersonQuery = RequestBody<'privacyExport'>;

/** Without the organiser secret (null) the signed-in organiser's session cookie speaks. */
export function exportPersonalData(query: PersonQuery, organiserSecret: string | null): Promise<PersonalDataExport> {
	return callApi('privacyExport', { body: query, token: organiserSecret });
}

export function erasePerson(query: PersonQuery, organiserSecret: string | null): Promise<ErasureReport> {
	return callApi('privacyErase', { body: { ...query, confirm: true }, token: organiserSecret });
}
