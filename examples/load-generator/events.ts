/**
 * The simulated browser's product-analytics events: OTLP log records with an event name, shaped like the ones
 * the tc9 browser/server API emits (src/semconv.ts), so the User journeys dashboard has something to show.
 */
import { randomUUID } from 'node:crypto';
import type { AnyValueMap, Logger } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { ATTR, SCOPE_NAME } from '../../src/semconv.js';

export interface Person {
  userId: string;
  userType: 'admin' | 'consultant' | 'viewer';
  orgId: string;
  orgType: string;
}

export interface EventSink {
  emit(person: Person, sessionId: string, name: string, attributes?: Record<string, string>): void;
  shutdown(): Promise<void>;
}

export function otlpEventSink(logsUrl: string, environment: string): EventSink {
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({
      'service.name': 'migration-web',
      'service.version': '1.0.0',
      'deployment.environment.name': environment,
    }),
    processors: [new BatchLogRecordProcessor({ exporter: new OTLPLogExporter({ url: logsUrl }), scheduledDelayMillis: 2000 })],
  });
  const logger: Logger = provider.getLogger(SCOPE_NAME);
  return {
    emit(person, sessionId, name, attributes = {}) {
      const record: AnyValueMap = {
        [ATTR.eventId]: randomUUID(),
        [ATTR.eventKind]: 'analytics',
        [ATTR.eventSource]: 'browser',
        [ATTR.consent]: 'granted',
        [ATTR.userId]: person.userId,
        [ATTR.sessionId]: sessionId,
        [ATTR.orgId]: person.orgId,
        [ATTR.orgType]: person.orgType,
        [ATTR.userType]: person.userType,
        ...attributes,
      };
      logger.emit({ eventName: name, body: name, attributes: record, severityText: 'INFO', severityNumber: 9 });
    },
    shutdown: () => provider.shutdown(),
  };
}
