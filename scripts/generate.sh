#!/usr/bin/env bash
# Regenerates gen/ from proto/: TypeScript (ts-proto, for the server) and the descriptor set that
# serves gRPC reflection. C# stubs are generated from the same proto by Grpc.Tools at build time.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf gen
mkdir -p gen
npx --no-install buf lint
# Our contract and the vendored standard services (grpc.health.v1, grpc.reflection.v1 and v1alpha) get
# TypeScript: src/api implements health and reflection on these stubs, with no proto parsing at run time.
npx --no-install buf generate --path proto/thriftproxy --path third_party/proto/grpc
# Reflection serves the compiler's own descriptors. The set holds every module (our contract and
# third_party/proto's grpc.health.v1, grpc.reflection.v1/v1alpha) plus their imports (google/protobuf/*).
npx --no-install buf build -o gen/scenario_control.binpb
