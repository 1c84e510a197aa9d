import { sveltekit } from "@sveltejs/kit/vite";
import { defineConfig } from "vite";

// In dev (`vite dev` in web/), the API, the OIDC provider and /config.json come from a running `npm start`.
const platform = process.env.HPM_URL ?? `http://localhost:${process.env.PORT ?? "3000"}`;

export default defineConfig(({ command }) => {
	// A build is a production build even when a test runner started it with NODE_ENV=test (the browser tests'
	// `npm start`): Vite picks the "development" export conditions for any NODE_ENV but production, and the
	// site then shipped SvelteKit's dev-only checks, logging "Avoid using history.pushState…" on every load.
	if (command === "build") process.env.NODE_ENV = "production";
	return {
		plugins: [sveltekit()],
		server: {
			// $core lives outside web/.
			fs: { allow: [".."] },
			proxy: { "/api": platform, "/oidc": platform, "/config.json": platform },
		},
		build: { reportCompressedSize: true, chunkSizeWarningLimit: 600 },
	};
});
