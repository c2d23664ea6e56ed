/**
 * The personal-data requests (docs/security.md, "Personuppgifter"): POST
 * /api/privacy/export and /api/privacy/erase with `{ name?, email? }` (erase also needs
 * `confirm: true`). Organisers only: the same organiser secret that guards creating
 * meetings. On an instance without ORGANISER_SECRET anyone may create meetings, so
 * these requests are refused there: one person's data across all meetings is not open.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PersonalDataService } from '../ops/personal-data.ts';
import { personQuery } from '../ops/personal-data.ts';
import { readJson } from './body.ts';
import { bearer } from './request.ts';
import { HttpError, sendJson } from './respond.ts';
import { secretMatches } from './secret.ts';

export interface PrivacyDeps {
	service: PersonalDataService;
	organiserSecret: string | null;
	maxBodyBytes: number;
}

interface Route {
	method: string;
	pattern: RegExp;
	handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

export function privacyRoutes(deps: PrivacyDeps): Route[] {
	async function authorised(req: IncomingMessage) {
		if (!deps.organiserSecret) throw new HttpError(403, 'Personal data requests need ORGANISER_SECRET to be set on the server');
		if (!secretMatches(bearer(req), deps.organiserSecret)) throw new HttpError(401, 'Personal data requests need the organiser secret (Authorization: Bearer <secret>)');
		const body = await readJson(req, deps.maxBodyBytes);
		try {
			return { service: deps.service, query: personQuery(body), body: body as Record<string, unknown> };
		} catch (error) {
			throw new HttpError(400, (error as Error).message);
		}
	}
	return [
		{
			method: 'POST',
			pattern: /^\/api\/privacy\/export$/,
			async handle(req, res) {
				const { service, query } = await authorised(req);
				sendJson(res, 200, await service.export(query));
			}
		},
		{
			method: 'POST',
			pattern: /^\/api\/privacy\/erase$/,
			async handle(req, res) {
				const { service, query, body } = await authorised(req);
				if (body.confirm !== true) throw new HttpError(400, 'Erasure cannot be undone: send confirm: true');
				sendJson(res, 200, await service.erase(query));
			}
		}
	];
}
