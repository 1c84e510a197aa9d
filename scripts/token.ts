// `npm run --silent token -- <username>`: prints a bearer (ID) token of a seeded local user to stdout.
// It signs in through the running local provider with the real authorization-code + PKCE flow.
// Base URL: HPM_URL, else http://localhost:$PORT (3000). Password: HPM_PASSWORD, else the demo password.
import { PkceLoginError, fetchTokenViaPkce } from "../functions/auth/pkce-client";
import { DEMO_PASSWORD } from "../functions/auth/seed-users";

const main = async (): Promise<number> => {
	const username = process.argv.slice(2).find((a) => a !== "--");
	if (!username) {
		process.stderr.write("usage: npm run --silent token -- <username>   (e.g. admin, reporter-t33)\n");
		return 1;
	}
	const baseUrl = process.env.HPM_URL || `http://localhost:${process.env.PORT || "3000"}`;
	try {
		const tokens = await fetchTokenViaPkce({
			baseUrl,
			username,
			password: process.env.HPM_PASSWORD || DEMO_PASSWORD,
			...(process.env.OIDC_REDIRECT_URI ? { redirectUri: process.env.OIDC_REDIRECT_URI } : {}),
		});
		process.stdout.write(`${tokens.idToken}\n`);
		return 0;
	} catch (e) {
		const message = e instanceof PkceLoginError ? e.message : `token: ${(e as Error).message}`;
		process.stderr.write(`${message}\n`);
		return 1;
	}
};

process.exitCode = await main();
