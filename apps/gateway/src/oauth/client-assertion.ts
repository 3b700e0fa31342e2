import { randomUUID } from 'node:crypto';
import type { AddClientAuthentication } from '@modelcontextprotocol/client';
import { importPKCS8, SignJWT } from 'jose';

/**
 * RFC 7523 client authentication (`private_key_jwt`): a short-lived assertion signed with the
 * client's key, audience the authorization server. Signed with jose, as the SDK does; the SDK
 * loads jose with a dynamic import, which the test runner's module sandbox cannot do, so the
 * same few calls are made here with a static one.
 */
export function privateKeyJwtAuth(
  clientId: string,
  privateKeyPem: string,
  algorithm: string,
): AddClientAuthentication {
  return async (_headers, params, url, metadata) => {
    const key = await importPKCS8(privateKeyPem, algorithm);
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: algorithm, typ: 'JWT' })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(String(metadata?.issuer ?? url))
      .setIssuedAt()
      .setExpirationTime('5m')
      .setJti(randomUUID())
      .sign(key);
    params.set('client_assertion', assertion);
    params.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
  };
}
