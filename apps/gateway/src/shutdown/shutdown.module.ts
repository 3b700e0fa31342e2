import { Module } from '@nestjs/common';
import { ShutdownState } from './shutdown-state';

/** Whether the process is draining; main.ts sets it, readiness reports it. */
@Module({ providers: [ShutdownState], exports: [ShutdownState] })
export class ShutdownModule {}
