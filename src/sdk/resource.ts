/**
 * Who is sending: service name/version and deployment environment from the config (which already
 * merged OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES), plus what the process, host and OS detectors find.
 */
import {
  defaultResource,
  hostDetector,
  osDetector,
  processDetector,
  resourceFromAttributes,
  serviceInstanceIdDetector,
} from '@opentelemetry/resources';
import type { Resource, ResourceDetector } from '@opentelemetry/resources';
import { ATTR_DEPLOYMENT_ENVIRONMENT_NAME, ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { Config } from '../config.js';

export function createResource(config: Config): Resource {
  return defaultResource().merge(
    resourceFromAttributes({
      ...config.resourceAttributes,
      [ATTR_SERVICE_NAME]: config.serviceName,
      [ATTR_SERVICE_VERSION]: config.serviceVersion,
      [ATTR_DEPLOYMENT_ENVIRONMENT_NAME]: config.environment,
    }),
  );
}

/**
 * The process detector without the command line (process.command_args, process.command, process.command_line):
 * an argument can carry a secret (--password=..., a token in a URL), and every span and event would repeat it.
 */
const processDetectorWithoutCommandLine: ResourceDetector = {
  detect(config) {
    const detected = processDetector.detect(config);
    const attributes = { ...detected.attributes };
    for (const key of Object.keys(attributes)) if (key.startsWith('process.command')) delete attributes[key];
    return { ...detected, attributes };
  },
};

/** The env detector is left out on purpose: OTEL_RESOURCE_ATTRIBUTES is read (and validated) by src/config.ts. */
export const RESOURCE_DETECTORS: ResourceDetector[] = [
  processDetectorWithoutCommandLine,
  hostDetector,
  osDetector,
  serviceInstanceIdDetector,
];
