// The app renders in the browser only: every screen works from the device's local copy,
// offline too, and the service worker serves one prerendered shell for every URL.
export const ssr = false;
export const prerender = false;
