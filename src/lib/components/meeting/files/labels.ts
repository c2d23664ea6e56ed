/** File types and upload failures in the reader's language. */
import { m } from '$lib/paraglide/messages.js';
import type { UploadFailed } from '$lib/api/uploads';
import { formatBytes } from '$lib/components/offline/format';

export function typeLabel(type: string): string {
	if (type === 'application/pdf') return m.files_type_pdf();
	if (type.includes('wordprocessingml')) return m.files_type_docx();
	if (type.includes('spreadsheetml')) return m.files_type_xlsx();
	if (type.includes('presentationml')) return m.files_type_pptx();
	if (type.startsWith('image/')) return m.files_type_image();
	return m.files_type_other();
}

export function failureText(error: UploadFailed, limits: { maxFileBytes: number; maxMeetingBytes: number }): string {
	switch (error.code) {
		case 'file-too-large':
			return m.files_error_too_large({ limit: formatBytes(error.limit ?? limits.maxFileBytes) });
		case 'meeting-full':
			return m.files_error_meeting_full({ limit: formatBytes(error.limit ?? limits.maxMeetingBytes) });
		case 'type-not-accepted':
			return m.files_error_type();
		case 'content-mismatch':
			return m.files_error_content();
		case 'network':
			return m.files_error_network();
		case 'forbidden':
			return m.files_error_forbidden();
		case 'cancelled':
			return m.files_error_cancelled();
		default:
			return m.files_error_other();
	}
}
