// The one concurrency pool lives in the core (it is pure), so the site can use it too.
export { mapPool } from "../core/pool";
