/**
 * Which span is current, carried through async work by AsyncLocalStorage: the context manager
 * OpenTelemetry's API asks. It is process-wide (the API holds one), registered the first time
 * an app turns tracing on; apps without tracing start no spans, so their contexts stay empty
 * and `trace.getActiveSpan()` costs them one lookup.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { ROOT_CONTEXT, context, type Context, type ContextManager } from '@opentelemetry/api';

class AsyncContextManager implements ContextManager {
  private readonly storage = new AsyncLocalStorage<Context>();

  active(): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(ctx: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    return this.storage.run(ctx, () => fn.apply(thisArg, args) as ReturnType<F>);
  }

  bind<T>(ctx: Context, target: T): T {
    if (typeof target !== 'function') return target;
    const fn = target as (...args: unknown[]) => unknown;
    const run = <R>(f: () => R): R => this.with(ctx, f);
    return function (this: unknown, ...args: unknown[]) {
      return run(() => fn.apply(this, args));
    } as T;
  }

  enable(): this {
    return this;
  }

  disable(): this {
    this.storage.disable();
    return this;
  }
}

let registered = false;

/** Register the context manager once per process (later apps reuse it). */
export function ensureContextManager(): void {
  if (registered) return;
  registered = context.setGlobalContextManager(new AsyncContextManager());
}
