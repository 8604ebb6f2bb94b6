// gRPC server reflection from the descriptor set `buf build` writes (gen/scenario_control.binpb).
// @grpc/reflection is normally fed by proto-loader, whose re-synthesized files (renamed, imports dropped, map
// entries misnamed) break every schema lookup; given the compiler's own FileDescriptorProtos it answers correctly.
import fs from 'node:fs';
import path from 'node:path';
import { Server } from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';

const DESCRIPTOR_SET = path.join('gen', 'scenario_control.binpb');

/** Found from src/api (ts under jest) and from dist/src/api (built) alike. */
export function findDescriptorSet(startDir: string = __dirname): string {
  for (let dir = startDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, DESCRIPTOR_SET);
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) {
      throw new Error(`${DESCRIPTOR_SET} not found above ${startDir}: run 'npm run generate'`);
    }
  }
}

/** FileDescriptorSet is `repeated FileDescriptorProto file = 1`: split it without re-encoding anything. */
export function splitFileDescriptorSet(bytes: Uint8Array): Buffer[] {
  const reader = new BinaryReader(bytes);
  const files: Buffer[] = [];
  while (reader.pos < reader.len) {
    const [fieldNo, wireType] = reader.tag();
    if (fieldNo === 1 && wireType === WireType.LengthDelimited) files.push(Buffer.from(reader.bytes()));
    else reader.skip(wireType);
  }
  return files;
}

export function addReflection(server: Server, descriptorSetPath: string = findDescriptorSet()): void {
  const fileDescriptorProtos = splitFileDescriptorSet(fs.readFileSync(descriptorSetPath));
  // ReflectionService reads only `fileDescriptorProtos` from each entry of the package definition.
  const definition: ConstructorParameters<typeof ReflectionService>[0] = {
    'buf-build-descriptor-set': { format: 'Protocol Buffer 3 DescriptorProto', type: {}, fileDescriptorProtos },
  };
  new ReflectionService(definition).addToServer(server);
}
