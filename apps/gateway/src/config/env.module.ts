import { type DynamicModule, Module } from '@nestjs/common';
import { AppEnv } from './env.schema';

/**
 * The environment parsed at startup. Global, as Nest's own ConfigModule is: nearly every
 * feature reads it, and it never changes after parsing.
 */
@Module({})
export class EnvModule {
  static forRoot(env: AppEnv): DynamicModule {
    return {
      module: EnvModule,
      global: true,
      providers: [{ provide: AppEnv, useValue: env }],
      exports: [AppEnv],
    };
  }
}
