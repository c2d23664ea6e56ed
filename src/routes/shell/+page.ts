// Prerendered with ssr = false (from the root layout), this page's HTML is an empty
// client-only shell: the service worker serves it for every navigation made offline,
// and the client router then renders the route of the URL actually asked for.
export const prerender = true;
