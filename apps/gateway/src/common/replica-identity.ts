import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** This process's name among the replicas: written on claims and checks, read by affinity. */
export class ReplicaIdentity {
  readonly id = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}
