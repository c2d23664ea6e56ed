/** What an attachment entry's fields look like (attachments.ts), apart so that schema.ts needs no domain module. */
export const SHA256_HEX = /^[0-9a-f]{64}$/;
/** A media type as `type/subtype`; which ones the server accepts is its upload rule (src/lib/protocol/files.ts). */
export const MEDIA_TYPE = /^[a-z]+\/[a-z0-9.+-]{1,120}$/;
/** Largest size the document records for one file (the server's limits are far below). */
export const MAX_ATTACHMENT_BYTES = 2 ** 40;
