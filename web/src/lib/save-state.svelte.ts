// The state of a settings form's save: the server's per-field errors, the outcome line and the busy flag, with
// one way to run a save so every page clears, reports and re-enables the same way.
import type { Locale } from "$core/types";
import { failure } from "$lib/components/EditPanel.svelte";
import { serverText } from "$lib/server-text";

export type Outcome = { kind: "ok" | "error"; text: string } | null;

export class SaveState {
	fields = $state<Record<string, string>>({});
	message = $state<Outcome>(null);
	busy = $state(false);

	/** Runs `save`; on success shows `ok()`, on failure the server's field errors and message. */
	async run(save: () => Promise<void>, ok: () => string): Promise<boolean> {
		this.busy = true;
		this.fields = {};
		this.message = null;
		try {
			await save();
			this.message = { kind: "ok", text: ok() };
			return true;
		} catch (err) {
			({ fields: this.fields, message: this.message } = failure(err));
			return false;
		} finally {
			this.busy = false;
		}
	}

	/** Field errors found before sending: shown as the server's would be, and nothing is sent. */
	refuse(fields: Record<string, string>): void {
		this.fields = fields;
		this.message = null;
	}

	/** The error under field `key`, in the reader's language. */
	error(key: string, l: Locale): string {
		const f = this.fields[key];
		return f ? serverText(f, l) : "";
	}
}
