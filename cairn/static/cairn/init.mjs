// Progressive enhancement only: pages work without this file.
import { initAll } from "../vendor/govuk-frontend/govuk-frontend.min.js";
initAll();
