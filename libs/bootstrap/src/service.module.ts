import { type DynamicModule, Module } from '@nestjs/common';

import { AppConfigModule, type BaseEnv } from '@app/config';
import { CryptoModule } from '@app/crypto';
import { HealthModule, kafkaProbe, mongoProbe } from '@app/health';
import { KafkaConnectivity, MessagingModule, messagingOptionsFromEnv } from '@app/messaging';
import { ObservabilityModule } from '@app/observability';
import { MongoConnection, PersistenceModule, mongoOptionsFromEnv } from '@app/persistence';

import type { ServiceDefinition } from './service-definition';

/** The root module of a service: shared infrastructure modules plus the service's own features. */
@Module({})
export class ServiceModule {
  static forService<E extends BaseEnv>(definition: ServiceDefinition<E>, config: E): DynamicModule {
    return {
      module: ServiceModule,
      imports: [
        AppConfigModule.withValue(config),
        ObservabilityModule.forRoot({ serviceName: definition.name, logger: { level: config.LOG_LEVEL } }),
        PersistenceModule.forRoot(mongoOptionsFromEnv(config, definition.defaultDbName)),
        CryptoModule.forRoot({ masterKey: config, keyringDbName: config.KEYRING_DB }),
        MessagingModule.forRoot(
          messagingOptionsFromEnv(config, {
            service: definition.name,
            topics: definition.topics,
            groupId: config.KAFKA_GROUP_ID,
          }),
        ),
        HealthModule.forRootAsync({
          inject: [MongoConnection, KafkaConnectivity],
          useFactory: (mongo: MongoConnection, kafka: KafkaConnectivity) => ({
            checks: [mongoProbe(mongo), kafkaProbe(kafka)],
          }),
        }),
        ...definition.features(config),
      ],
    };
  }
}
