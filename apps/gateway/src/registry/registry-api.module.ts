import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { RegistryController, StdioAllowlistController } from './registry.controller';
import { RegistryModule } from './registry.module';

/**
 * The registry's HTTP API. Its controller needs ServerEditor and ConnectionTester, which a
 * module above the registry provides (HealthModule); the app passes that module in, so neither
 * the registry folder nor RegistryModule depends on it.
 */
@Module({})
export class RegistryApiModule {
  static register(serverActions: Type): DynamicModule {
    return {
      module: RegistryApiModule,
      imports: [RegistryModule, serverActions],
      controllers: [RegistryController, StdioAllowlistController],
    };
  }
}
