/**
 * The personal-data requests (docs/security.md, "Personuppgifter"): POST
 * /api/privacy/export and /api/privacy/erase with `{ name?, email? }` (erase also needs
 * `confirm: true`). Organisers only: the bearer of the organiser secret that guards creating
 * meetings, or a signed-in member of the organiser group (OIDC_ORGANISER_GROUP). An instance
 * with neither refuses them: there anyone may create meetings (or every signed-in person is
 * an organiser), and one person's data across all meetings is not open to anyone.
 */
import type { IncomingMessage } from 'node:http';
import type { PersonalDataService } from '../ops/personal-data.ts';
import { bearer } from './request.ts';
import { HttpError } from './respond.ts';
import { type Route, readBody, reply, route } from './route.ts';
import { secretMatches } from './secret.ts';
import { sessionOfRequest } from './signin.ts';

export interface PrivacyDeps {
	service: PersonalDataService;
	organiserSecret: string | null;
	/** Sign-in is configured with an organiser group, whose signed-in members may ask. */
	signedInOrganisers: boolean;
	maxBodyBytes: number;
}

export function privacyRoutes(deps: PrivacyDeps): Route[] {
	function authorised(req: IncomingMessage): PersonalDataService {
		if (!deps.organiserSecret && !deps.signedInOrganisers) {
			throw new HttpError(403, 'Personal data requests need ORGANISER_SECRET or OIDC_ORGANISER_GROUP to be set on the server');
		}
		const token = bearer(req);
		if (token !== null) {
			if (deps.organiserSecret && secretMatches(token, deps.organiserSecret)) return deps.service;
			throw new HttpError(401, 'Personal data requests need the organiser secret (Authorization: Bearer <secret>) or signing in');
		}
		const session = deps.signedInOrganisers ? sessionOfRequest(req) : null;
		if (session?.organiser) return deps.service;
		if (session) throw new HttpError(403, 'Personal data requests are for organisers (OIDC_ORGANISER_GROUP)');
		throw new HttpError(401, 'Personal data requests need the organiser secret (Authorization: Bearer <secret>) or signing in');
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
