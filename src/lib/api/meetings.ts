/** Creating a meeting (POST /api/meetings). Errors are ApiErrors carrying the server's message. */
import type { CreatedMeeting, InstanceSettings } from '$lib/protocol/api';
import { callApi } from '$lib/protocol/client';

export type { CreatedMeeting } from '$lib/protocol/api';

/** `organiserSecret` is needed when the instance restricts who creates meetings (ORGANISER_SECRET). */
export function createMeeting(title: string, organiserSecret?: string): Promise<CreatedMeeting> {
	return callApi('createMeeting', { body: { title }, token: organiserSecret });
}

/** Whether creating a meeting needs the organiser secret on this instance. */
export function instanceSettings(): Promise<InstanceSettings> {
	return callApi('instance', {});
}
