import { Injectable, Logger } from '@nestjs/common';
import type { OAuthAuthorizationStart } from '@omni2/contracts';
import { DomainError } from '../common/domain-error';
import { classifyError } from '../connections/error-classifier';
import { HealthCheckService } from '../health/health-check.service';
import { OAuthPublicUrls } from '../oauth/oauth-public-urls';
import {
  AuthorizationCallbackError,
  type CallbackParams,
  OperatorAuthorization,
  type Requester,
} from '../oauth/operator-authorization';
import type { OAuthTarget } from '../oauth/token-broker';
import { TokenBroker } from '../oauth/token-broker';
import { RegistryService, serverConfigChanged } from '../registry/registry.service';
import { EventStream } from '../events/event-stream';

/** What the callback's audit entry records: who authorized which server, and how it went. */
export interface AuthorizationAudit {
  requester: Requester;
  serverId: string;
  serverName: string | null;
  failure?: string;
}

/** The OAuth flow routes over the registry, the authorization and the health check. */
@Injectable()
export class OAuthFlowService {
  private readonly log = new Logger('oauth');

  constructor(
    private readonly registry: RegistryService,
    private readonly authorization: OperatorAuthorization,
    private readonly broker: TokenBroker,
    private readonly checks: HealthCheckService,
    private readonly urls: OAuthPublicUrls,
    private readonly events: EventStream,
  ) {}

  async begin(ref: string, requester: Requester): Promise<OAuthAuthorizationStart> {
    const target = await this.authorizable(ref);
    try {
      return await this.authorization.begin(target, requester);
    } catch (error) {
      throw new DomainError(
        'UPSTREAM_UNAVAILABLE',
        `could not start the authorization: ${this.describe(error, target)}`,
      );
    }
  }

  async forgetTokens(ref: string): Promise<void> {
    const target = await this.authorizable(ref);
    await this.broker.discard(target.id);
    await this.announce(target.id);
    // The next check finds no token: the server shows `auth_required` at once.
    await this.checkSoon(target.id);
  }

  /**
   * Stores the authorization and checks the server, so the console sees it turn healthy. Every
   * outcome with a known requester is audited, failures included.
   */
  async complete(
    params: CallbackParams,
    audit: (entry: AuthorizationAudit) => void,
  ): Promise<{ serverName: string }> {
    try {
      const done = await this.authorization.complete(params, (id) => this.currentTarget(id));
      const name = await this.nameOf(done.serverId);
      audit({ requester: done.requester, serverId: done.serverId, serverName: name });
      await this.announce(done.serverId);
      await this.checkSoon(done.serverId);
      return { serverName: name ?? done.serverId };
    } catch (error) {
      const message =
        error instanceof AuthorizationCallbackError
          ? error.message
          : `the authorization server refused the authorization: ${this.describe(error)}`;
      const serverId = error instanceof AuthorizationCallbackError ? error.serverId : null;
      const requester = error instanceof AuthorizationCallbackError ? error.requester : null;
      if (serverId && requester) {
        audit({ requester, serverId, serverName: await this.nameOf(serverId), failure: message });
      }
      throw new DomainError('OAUTH_AUTHORIZATION_FAILED', message);
    }
  }

  clientMetadataDocument() {
    return this.urls.document();
  }

  private async authorizable(ref: string): Promise<OAuthTarget> {
    const row = await this.registry.find(ref);
    const target = this.registry.oauthTarget(row);
    if (!target || target.settings.grant !== 'authorization_code') {
      throw new DomainError(
        'OAUTH_NOT_AUTHORIZABLE',
        `server ${row.name} is not authorized by an operator: it needs auth_type "oauth" with auth_config.grant "authorization_code"`,
      );
    }
    return target;
  }

  private async currentTarget(serverId: string): Promise<OAuthTarget | null> {
    try {
      return this.registry.oauthTarget(await this.registry.find(serverId));
    } catch {
      return null;
    }
  }

  private async nameOf(serverId: string): Promise<string | null> {
    try {
      return (await this.registry.find(serverId)).name;
    } catch {
      return null;
    }
  }

  /** Its tokens changed: every replica drops the ones it holds (OAuthTokenListener). */
  private async announce(serverId: string): Promise<void> {
    try {
      const view = this.registry.view(await this.registry.find(serverId));
      await this.events.publish([serverConfigChanged('updated', view)]);
    } catch (error) {
      this.log.warn(`could not announce the OAuth change of ${serverId}: ${String(error)}`);
    }
  }

  private async checkSoon(serverId: string): Promise<void> {
    try {
      await this.checks.check(serverId);
    } catch (error) {
      // A disabled server is checked when it is enabled; the authorization stands.
      this.log.warn(`check after an OAuth change of ${serverId} failed: ${String(error)}`);
    }
  }

  private describe(error: unknown, target?: OAuthTarget): string {
    const secrets = target
      ? [target.settings.client_secret, target.settings.private_key].filter(
          (s): s is string => typeof s === 'string',
        )
      : [];
    return classifyError(error, 'streamable_http', secrets).message;
  }
}
