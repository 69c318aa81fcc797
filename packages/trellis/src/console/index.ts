/** The console module (C21): the web console's static files, public; it talks only to the API. */
import type { TrellisModule } from '../module.ts';
import { consoleRoutes } from './routes.ts';

export const consoleModule: TrellisModule = {
  name: 'console',
  routes: (app) => consoleRoutes(app),
};
