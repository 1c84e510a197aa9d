// The error kinds live in the core (core/errors.ts); this re-export keeps the adapters' imports short.
export * from "../core/errors";
