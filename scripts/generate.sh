#!/usr/bin/env bash
# Regenerates gen/ from proto/: TypeScript (ts-proto, for the server) and the descriptor set that
# serves gRPC reflection. C# stubs are generated from the same proto by Grpc.Tools at build time.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf gen
mkdir -p gen
npx --no-install buf lint
# Only our contract gets TypeScript; the vendored health proto is served by grpc-health-check.
npx --no-install buf generate --path proto/thriftproxy
# Reflection needs real descriptors (proto-loader's are not usable for it). The set holds every module
# (our contract and third_party/proto's grpc.health.v1) plus their imports (google/protobuf/*).
npx --no-install buf build -o gen/scenario_control.binpb
