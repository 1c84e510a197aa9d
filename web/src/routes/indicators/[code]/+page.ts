// Indicator codes are data: this page is served by the SPA fallback (200.html), not prerendered.
export const prerender = false;
