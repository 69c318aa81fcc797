/** The console module (C21): serves the web console (packages/console's build), public; it talks only to the API. */
import type { TrellisModule } from '../module.ts';

export const consoleModule: TrellisModule = {
  name: 'console',
  routes: async (app, services) => (await import('./routes.ts')).consoleRoutes(app, services.config.consoleDir),
};
