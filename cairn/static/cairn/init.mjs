// Progressive enhancement only: pages work without this file.
import { initAll as initGovukFrontend } from "../vendor/govuk-frontend/govuk-frontend.min.js";
import { initAll as initMojFrontend } from "../vendor/moj-frontend/moj-frontend.min.js";

initGovukFrontend();
initMojFrontend();
