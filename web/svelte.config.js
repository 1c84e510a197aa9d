// The site is a static SPA: every page is prerendered as an empty shell (ssr = false) and 200.html is the
// fallback for client-side routes such as /indicators/{code}. One build serves every environment; the
// environment itself comes from /config.json at runtime.
import adapter from "@sveltejs/adapter-static";
import { vitePreprocess } from "@sveltejs/vite-plugin-svelte";

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter({ pages: "build", assets: "build", fallback: "200.html", strict: true }),
		// The shared domain code (validation, periods, API types) is imported, never copied.
		alias: { $core: "../functions/core" },
		version: { pollInterval: 0 },
	},
};

export default config;
