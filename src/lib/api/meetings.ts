/** The browser's calls to the HTTP API. Errors carry the server's own message. */

export interface CreatedMeeting {
	id: string;
	token: string;
	url: string;
}

export class ApiError extends Error {
	constructor(
		readonly status: number,
		message: string
	) {
		super(message);
	}
}

async function readJson<T>(response: Response): Promise<T> {
	const body = (await response.json().catch(() => null)) as ({ error?: string } & T) | null;
	if (!response.ok) throw new ApiError(response.status, body?.error ?? response.statusText);
	return body as T;
}

/** `organiserSecret` is needed when the instance restricts who creates meetings (ORGANISER_SECRET). */
export async function createMeeting(title: string, organiserSecret?: string): Promise<CreatedMeeting> {
	const response = await fetch('/api/meetings', {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...(organiserSecret ? { authorization: `Bearer ${organiserSecret}` } : {}) },
		body: JSON.stringify({ title })
	});
	return readJson<CreatedMeeting>(response);
}
