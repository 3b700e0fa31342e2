import { Injectable, type OnApplicationBootstrap, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { ACCESS_METADATA, type Access } from '../common/access.decorator';

export interface RouteDecision {
  method: string;
  /** Path as declared, without the global prefix, e.g. `mcp/servers/:id`. */
  path: string;
  access: Access | undefined;
}

/**
 * Every route the app serves with the access it declared. The app refuses to start when a route
 * has no decision, so a new route cannot silently be open (or silently closed).
 */
@Injectable()
export class RouteCatalog implements OnApplicationBootstrap {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  routes(): RouteDecision[] {
    const out: RouteDecision[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const instance = wrapper.instance as object | undefined;
      if (!instance || !wrapper.metatype) continue;
      const type = wrapper.metatype as abstract new (...args: never[]) => unknown;
      const base = this.pathOf(type);
      const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name] as (...args: unknown[]) => unknown;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        out.push({
          method: RequestMethod[method],
          path: join(base, this.pathOf(handler)),
          access: this.reflector.getAllAndOverride<Access | undefined>(ACCESS_METADATA, [
            handler,
            type,
          ]),
        });
      }
    }
    return out.sort((a, b) => (a.path + a.method).localeCompare(b.path + b.method));
  }

  onApplicationBootstrap(): void {
    const undecided = this.routes().filter((r) => r.access === undefined);
    if (undecided.length > 0) {
      const list = undecided.map((r) => `${r.method} ${r.path}`).join(', ');
      throw new Error(`routes without an access decision (@Public or @RequireRole): ${list}`);
    }
  }

  private pathOf(target: object): string {
    const path = Reflect.getMetadata(PATH_METADATA, target) as string | string[] | undefined;
    return Array.isArray(path) ? (path[0] ?? '') : (path ?? '');
  }
}

function join(a: string, b: string): string {
  return [a, b]
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/');
}
