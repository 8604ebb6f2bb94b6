// Rewrites every method of a grpc-js service definition (its serializers, for instance), keeping the service's type.
import { ServiceDefinition } from '@grpc/grpc-js';

export type MethodDefinition = ServiceDefinition[string];

export function mapServiceMethods<S extends ServiceDefinition>(service: S, rewrite: (method: MethodDefinition) => MethodDefinition): S {
  const rewritten: Record<string, MethodDefinition> = {};
  for (const [name, method] of Object.entries(service)) rewritten[name] = rewrite(method);
  return rewritten as ServiceDefinition as S;
}
