/**
 * @module config/suggest
 * "Did you mean" suggestions for config errors; the implementation lives in core/suggest
 * (the runtime uses it too, for unknown function names).
 */
export { closest, didYouMean, editDistance } from "../core/suggest.js";
