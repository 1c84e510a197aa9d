// A client-only SPA: pages are prerendered as shells and rendered in the browser after sign-in.
export const ssr = false;
export const prerender = true;
export const trailingSlash = "never";
