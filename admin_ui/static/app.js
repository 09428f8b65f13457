// Starts GOV.UK Frontend's components (kept out of the HTML so the content security policy forbids inline script).
import { initAll } from "/static/vendor/govuk-frontend.min.js";

initAll();
