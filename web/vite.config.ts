import { sveltekit } from "@sveltejs/kit/vite";
import { defineConfig } from "vite";

// In dev (`vite dev` in web/), the API, the OIDC provider and /config.json come from a running `npm start`.
const platform = process.env.HPM_URL ?? `http://localhost:${process.env.PORT ?? "3000"}`;

export default defineConfig({
	plugins: [sveltekit()],
	server: {
		// $core lives outside web/.
		fs: { allow: [".."] },
		proxy: { "/api": platform, "/oidc": platform, "/config.json": platform },
	},
	build: { reportCompressedSize: true, chunkSizeWarningLimit: 600 },
});
