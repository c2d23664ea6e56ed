/**
 * The personal-data requests (docs/security.md, "Personuppgifter"): POST
 * /api/privacy/export and /api/privacy/erase with `{ name?, email? }` (erase also needs
 * `confirm: true`). Organisers only: the same organiser secret that guards creating
 * meetings. On an instance without ORGANISER_SECRET anyone may create meetings, so
 * these requests are refused there: one person's data across all meetings is not open.
 */
import type { IncomingMessage } from 'node:http';
import type { PersonalDataService } from '../ops/personal-data.ts';
import { bearer } from './request.ts';
import { HttpError } from './respond.ts';
import { type Route, readBody, reply, route } from './route.ts';
import { secretMatches } from './secret.ts';

export interface PrivacyDeps {
	service: PersonalDataService;
	organiserSecret: string | null;
	maxBodyBytes: number;
}

export function privacyRoutes(deps: PrivacyDeps): Route[] {
	function authorised(req: IncomingMessage): PersonalDataService {
		if (!deps.organiserSecret) throw new HttpError(403, 'Personal data requests need ORGANISER_SECRET to be set on the server');
		if (!secretMatches(bearer(req), deps.organiserSecret)) throw new HttpError(401, 'Personal data requests need the organiser secret (Authorization: Bearer <secret>)');
		return deps.service;
	}
	return [
		route('privacyExport', async (req, res) => {
			const service = authorised(req);
			const query = await readBody(req, 'privacyExport', deps.maxBodyBytes);
			reply(res, 'privacyExport', await service.export(query));
		}),
		route('privacyErase', async (req, res) => {
			const service = authorised(req);
			const { name, email } = await readBody(req, 'privacyErase', deps.maxBodyBytes);
			reply(res, 'privacyErase', await service.erase({ name, email }));
		})
	];
}
