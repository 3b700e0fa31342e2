import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OAuthClientMetadata } from '@modelcontextprotocol/client';
import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AppEnv } from '../config/env.schema';
import { API_PREFIX } from '../common/api-prefix';

/**
 * omni2 as the operator's browser and authorization servers see it (SPEC §11): the redirect
 * URI, and the Client ID Metadata Document that names it. Both derive from OMNI2_PUBLIC_URL.
 */
@Injectable()
export class OAuthPublicUrls {
  constructor(
    private readonly env: AppEnv,
    private readonly http: HttpAdapterHost,
  ) {}

  /** OMNI2_PUBLIC_URL when set: the address people reach omni2 at (links in notifications). */
  configuredBase(): string | undefined {
    return this.env.values.OMNI2_PUBLIC_URL;
  }

  /** OMNI2_PUBLIC_URL, else the address this process listens on (a single-machine setup). */
  base(): string {
    const configured = this.env.values.OMNI2_PUBLIC_URL;
    if (configured) return configured;
    const server = this.http.httpAdapter?.getHttpServer() as Server | undefined;
    const address = server?.address() as AddressInfo | null | undefined;
    const port = address?.port ?? this.env.values.PORT;
    const host = address?.address;
    if (!host || host === '0.0.0.0' || host === '::') return `http://localhost:${port}`;
    return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  }

  redirectUrl(): string {
    return `${this.base()}/${API_PREFIX}/oauth/callback`;
  }

  /**
   * The document's URL, which is omni2's client_id where an authorization server accepts
   * metadata documents. Only https can be one (authorization servers fetch it); otherwise
   * omni2 registers dynamically instead.
   */
  clientMetadataUrl(): string | undefined {
    const configured = this.env.values.OMNI2_OAUTH_CLIENT_METADATA_URL;
    if (configured) return configured;
    const own = `${this.base()}/${API_PREFIX}/oauth/client-metadata.json`;
    return own.startsWith('https://') ? own : undefined;
  }

  clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'omni2',
      client_uri: this.base(),
      redirect_uris: [this.redirectUrl()],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      // A public client: what proves it is PKCE and the registered redirect URI.
      token_endpoint_auth_method: 'none',
    };
  }

  /** The Client ID Metadata Document omni2 serves (draft-ietf-oauth-client-id-metadata-document). */
  document(): OAuthClientMetadata & { client_id: string } {
    return {
      client_id:
        this.clientMetadataUrl() ?? `${this.base()}/${API_PREFIX}/oauth/client-metadata.json`,
      ...this.clientMetadata(),
    };
  }
}
