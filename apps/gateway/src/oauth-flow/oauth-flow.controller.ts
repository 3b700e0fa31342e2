import {
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuditAction, OAuthAuthorizationStart } from '@omni2/contracts';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { Audited } from '../audit/audited.decorator';
import { AuditService } from '../audit/audit.service';
import { callerOf } from '../auth/caller';
import { Public, RequireRole } from '../common/access.decorator';
import { DomainError } from '../common/domain-error';
import { parseOrThrow } from '../common/zod-body';
import { httpStatusFor } from '../common/http-status-for';
import { ApiRoute } from '../openapi/api-route';
import { serverRef } from '../openapi/path-params';
import { oauthAuthorizationStartSchema, oauthClientMetadataSchema } from '../openapi/view-schemas';
import type { CallbackParams } from '../oauth/operator-authorization';
import { OAuthFlowService } from './oauth-flow.service';

/** What an authorization server may send back (RFC 6749 §4.1.2, RFC 9207); nothing else is read. */
const callbackQuery = z
  .object({
    code: z.string().max(4_000).optional(),
    state: z.string().max(512).optional(),
    iss: z.string().max(2_000).optional(),
    error: z.string().max(200).optional(),
    error_description: z.string().max(2_000).optional(),
  })
  .strip();

/** SPEC §11: operator authorization of OAuth-protected upstream servers. */
@ApiTags('oauth')
@Controller()
export class OAuthFlowController {
  constructor(
    private readonly flow: OAuthFlowService,
    private readonly audit: AuditService,
  ) {}

  @Post('mcp/servers/:id/oauth/authorize')
  @HttpCode(200)
  @RequireRole('operator')
  @Audited('server.oauth_authorize', 'server')
  @ApiRoute({
    operationId: 'authorizeServer',
    summary: 'Start an operator authorization: open the answer`s authorization_url in a browser',
    description:
      'For servers with `auth_type: oauth` and `grant: authorization_code`. The authorization ' +
      'server sends the browser back to `/api/v1/oauth/callback`; the server is then checked.',
    ok: { schema: oauthAuthorizationStartSchema, description: 'Where the operator goes next' },
    errors: ['SERVER_NOT_FOUND', 'OAUTH_NOT_AUTHORIZABLE', 'UPSTREAM_UNAVAILABLE'],
  })
  authorize(
    @Param('id', { schema: serverRef }) id: string,
    @Req() req: Request,
  ): Promise<OAuthAuthorizationStart> {
    const caller = callerOf(req);
    return this.flow.begin(id, { kind: caller.kind, id: caller.id, name: caller.name });
  }

  @Delete('mcp/servers/:id/oauth/tokens')
  @HttpCode(204)
  @RequireRole('admin')
  @Audited('server.oauth_tokens_delete', 'server')
  @ApiRoute({
    operationId: 'deleteServerOAuthTokens',
    summary: "Forget a server's OAuth tokens; it needs authorizing again",
    ok: { status: 204, description: 'Forgotten (also when there were none)' },
    errors: ['SERVER_NOT_FOUND', 'OAUTH_NOT_AUTHORIZABLE'],
  })
  deleteTokens(@Param('id', { schema: serverRef }) id: string): Promise<void> {
    return this.flow.forgetTokens(id);
  }

  @Get('oauth/callback')
  @Public()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  @Header('x-content-type-options', 'nosniff')
  // The page is static text: nothing may run or load in it, whatever an authorization server sent.
  @Header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
  @ApiRoute({
    operationId: 'oauthCallback',
    summary: "The authorization server's redirect back to omni2 (a browser lands here)",
    ok: {
      text: { mediaType: 'text/html', example: '<!doctype html><title>omni2</title>…' },
      description:
        'The authorization is stored and the server is being checked. A failed authorization ' +
        'answers 400 with a page saying why (text/html); an unreadable query, a JSON 400',
    },
    errors: ['OAUTH_AUTHORIZATION_FAILED'],
  })
  async callback(
    @Query({ schema: callbackQuery }) rawQuery: unknown,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    // An unreadable query (a repeated parameter, a value too long) is a JSON 400 naming it.
    const query: CallbackParams = parseOrThrow(callbackQuery, rawQuery);
    try {
      return await this.authorized(query, req);
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'OAUTH_AUTHORIZATION_FAILED') {
        throw error;
      }
      // A person reads this, in the tab the authorization server sent back: a page, escaped.
      res.status(httpStatusFor(error.code));
      return page('omni2 could not complete the authorization', error.message);
    }
  }

  private async authorized(query: CallbackParams, req: Request): Promise<string> {
    const done = await this.flow.complete(query, (entry) =>
      this.audit.record({
        actor: { kind: entry.requester.kind, id: entry.requester.id, name: entry.requester.name },
        action: 'server.oauth_authorized' satisfies AuditAction,
        target: { type: 'server', id: entry.serverId, name: entry.serverName },
        details: entry.failure ? { outcome: 'failed', reason: entry.failure } : { outcome: 'ok' },
        ip: req.ip ?? null,
      }),
    );
    return page(`omni2 is authorized for ${done.serverName}`, 'You can close this tab.');
  }

  @Get('oauth/client-metadata.json')
  @Public()
  @Header('cache-control', 'public, max-age=300')
  @ApiRoute({
    operationId: 'oauthClientMetadata',
    summary: "omni2's OAuth Client ID Metadata Document",
    ok: { schema: oauthClientMetadataSchema, description: 'The document' },
  })
  clientMetadata(): z.output<typeof oauthClientMetadataSchema> {
    return this.flow.clientMetadataDocument();
  }
}

function page(title: string, text: string): string {
  return `<!doctype html><html lang="en"><meta charset="utf-8"><title>${escape(title)}</title>
<body style="font-family:system-ui,sans-serif;margin:3rem"><h1>${escape(title)}</h1><p>${escape(text)}</p></body></html>`;
}

function escape(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}
