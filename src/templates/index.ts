/** Public API of the templates module: what other modules may import (anything else in this folder is internal; `npm run lint` enforces it). */
export { createTemplatesService, type TemplatesService, type TemplateView } from './templates.service.js';
