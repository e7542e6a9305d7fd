/**
 * @module stores/default-store-url
 * The default store's URL, in a module of its own so that code choosing a store (the CLI)
 * can name it without loading a store adapter.
 */

/** The default store: an SQLite file under `.kairos/` in the working directory. */
export const DEFAULT_STORE_URL = "sqlite:.kairos/kairos.db";
