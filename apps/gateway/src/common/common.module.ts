import { Module } from '@nestjs/common';
import { Clock } from './clock';
import { ReplicaIdentity } from './replica-identity';

/** The time source and this replica's name: one instance of each for the whole app. */
@Module({ providers: [Clock, ReplicaIdentity], exports: [Clock, ReplicaIdentity] })
export class CommonModule {}
