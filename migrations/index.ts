import { InitialSchema1763800000000 } from './1763800000000-InitialSchema';
import { CoordinatorAndHealthLog1763900000000 } from './1763900000000-CoordinatorAndHealthLog';
import { SessionAffinity1764000000000 } from './1764000000000-SessionAffinity';
import { CoordinatorReplicas1764100000000 } from './1764100000000-CoordinatorReplicas';
import { Security1764200000000 } from './1764200000000-Security';
import { EventSettings1764300000000 } from './1764300000000-EventSettings';
import { LoggingFollowsEnv1764400000000 } from './1764400000000-LoggingFollowsEnv';
import { BreakerGeneration1764600000000 } from './1764600000000-BreakerGeneration';
import { ProtocolEra1764700000000 } from './1764700000000-ProtocolEra';
import { AuditFilters1796456422461 } from './1796456422461-AuditFilters';
import { OAuthTokens1796500000000 } from './1796500000000-OAuthTokens';
import { OAuthAuthorization1796600000000 } from './1796600000000-OAuthAuthorization';
import { Alerts1796700000000 } from './1796700000000-Alerts';
import { AlertDedupe1796800000000 } from './1796800000000-AlertDedupe';
import { CapabilityDigest1796900000000 } from './1796900000000-CapabilityDigest';

/** Every migration, oldest first. An explicit list works the same from source (tests) and dist. */
export const MIGRATIONS = [
  InitialSchema1763800000000,
  CoordinatorAndHealthLog1763900000000,
  SessionAffinity1764000000000,
  CoordinatorReplicas1764100000000,
  Security1764200000000,
  EventSettings1764300000000,
  LoggingFollowsEnv1764400000000,
  BreakerGeneration1764600000000,
  ProtocolEra1764700000000,
  AuditFilters1796456422461,
  OAuthTokens1796500000000,
  OAuthAuthorization1796600000000,
  Alerts1796700000000,
  AlertDedupe1796800000000,
  CapabilityDigest1796900000000,
];
