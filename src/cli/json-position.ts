/** @module cli/json-position Re-export: the scanner moved to core (the API reports JSON positions too). */
export { jsonErrorOffset } from "../core/json-position.js";
