/**
 * Schemas compiled on first use. Fastify compiles every route's validators (Ajv) and response
 * serializers (fast-json-stringify) while the app starts; with about a hundred routes that was
 * the largest part of start-up after loading code (bench/startup). Here Fastify gets, for each
 * schema, a stand-in that compiles the real function the first time a request needs it, with
 * the compilers Fastify uses by default (@fastify/ajv-compiler and
 * @fastify/fast-json-stringify-compiler, so Ajv and fast-json-stringify are not even loaded
 * until a request needs them) and the same options; every later call goes straight to it.
 * Validation and serialization are therefore exactly what they were; only when the compiling
 * happens moved. `compileAll()` compiles everything now (the tests use it to show that every
 * route's schemas compile, which Fastify used to prove at start).
 */
import { createRequire } from 'node:module';
import type { FastifyServerOptions } from 'fastify';

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;
type ValidatorFactory = NonNullable<CompilersFactory['buildValidator']>;
type SerializerFactory = NonNullable<CompilersFactory['buildSerializer']>;
type RouteSchema = { schema: unknown; method: string; url: string; httpPart?: string; httpStatus?: string; contentType?: string };
type Validate = ((data: unknown, context?: unknown) => unknown) & { errors?: unknown; schemaEnv?: unknown };
type Serialize = (data: unknown) => string;

const require = createRequire(import.meta.url);

export interface LazySchemas {
  compilersFactory: CompilersFactory;
  /** Compiles every schema registered so far that no request has needed yet. */
  compileAll(): void;
}

export function lazySchemas(): LazySchemas {
  const pending = new Set<() => void>();

  const buildValidator = ((externalSchemas: unknown, ajvOptions: unknown) => {
    let compiler: ((route: RouteSchema) => Validate) | undefined;
    const real = (): ((route: RouteSchema) => Validate) =>
      (compiler ??= (require('@fastify/ajv-compiler') as () => (e: unknown, o: unknown) => (route: RouteSchema) => Validate)()(externalSchemas, ajvOptions));
    return (route: RouteSchema): Validate => {
      // Fastify lower-cases a headers schema's property names only for its own compiler.
      if (route.httpPart === 'headers') throw new Error(`${route.method} ${route.url}: headers schemas are not supported (http/lazy-schemas.ts)`);
      let fn: Validate | undefined;
      const compile = (): Validate => {
        pending.delete(compile);
        return (fn ??= real()(route));
      };
      pending.add(compile);
      // Fastify passes the parent object when the function is Ajv's (it has `schemaEnv`), so
      // that coercion and defaults can replace the value itself: the stand-in says it is, and
      // passes it on.
      // Ajv coerces `1e309` in a path or query to Infinity and lets it through an integer's
      // bounds; no route means Infinity, and a database refuses it with a 500. Refused here, by name.
      const checksFinite = route.httpPart === 'params' || route.httpPart === 'querystring';
      let ownErrors: unknown[] | null = null;
      const validate: Validate = (data, context) => {
        ownErrors = null;
        const ok = (fn ?? compile())(data, context);
        if (ok === true && checksFinite && data !== null && typeof data === 'object') {
          for (const [name, value] of Object.entries(data)) {
            if (typeof value === 'number' && !Number.isFinite(value)) {
              ownErrors = [{ instancePath: `/${name}`, schemaPath: '#/finite', keyword: 'finite', params: {}, message: 'must be a finite number' }];
              return false;
            }
          }
        }
        return ok;
      };
      validate.schemaEnv = true;
      Object.defineProperty(validate, 'errors', { get: () => ownErrors ?? fn?.errors });
      return validate;
    };
  }) as unknown as ValidatorFactory;

  const buildSerializer = ((externalSchemas: unknown, serializerOptions: unknown) => {
    let compiler: ((route: RouteSchema) => Serialize) | undefined;
    const real = (): ((route: RouteSchema) => Serialize) =>
      (compiler ??= (require('@fastify/fast-json-stringify-compiler') as () => (e: unknown, o: unknown) => (route: RouteSchema) => Serialize)()(externalSchemas, serializerOptions));
    return (route: RouteSchema): Serialize => {
      let fn: Serialize | undefined;
      const compile = (): Serialize => {
        pending.delete(compile);
        return (fn ??= real()(route));
      };
      pending.add(compile);
      return (data) => (fn ?? compile())(data);
    };
  }) as unknown as SerializerFactory;

  return {
    compilersFactory: { buildValidator, buildSerializer },
    compileAll: () => {
      for (const compile of [...pending]) compile();
    },
  };
}
