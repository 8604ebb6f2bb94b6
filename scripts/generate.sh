#!/usr/bin/env bash
# Regenerates gen/ from proto/: TypeScript (ts-proto, for the server) and the descriptor set that
# serves gRPC reflection. C# stubs are generated from the same proto by Grpc.Tools at build time.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf gen
mkdir -p gen
npx --no-install buf lint
npx --no-install buf generate
# Reflection needs real descriptors (proto-loader's are not usable for it); include the health service.
npx --no-install buf build -o gen/scenario_control.binpb
