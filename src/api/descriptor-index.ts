// The descriptor set `buf build` writes (gen/scenario_control.binpb), indexed for reflection: file by name,
// file by the full name of anything it declares (message, field, oneof, enum, enum value, service, method,
// extension; nested ones too), extensions by extendee. Answers are the compiler's own FileDescriptorProtos,
// serialized, with their transitive imports.
// @bufbuild/protobuf (some 40 ms to load) and the decoding are paid on the first reflection request, not at
// start-up: loadDescriptorIndex imports it on demand.
import fs from 'node:fs';
import path from 'node:path';
import type { DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto } from '@bufbuild/protobuf/wkt';

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

export interface DescriptorIndex {
  /** Names of the services the set declares, e.g. "grpc.health.v1.Health". */
  readonly services: readonly string[];
  /** The file and everything it imports, transitively, the file first; undefined for an unknown file. */
  fileWithDependencies(fileName: string): Buffer[] | undefined;
  /** Name of the file declaring a fully-qualified symbol (a leading dot is allowed). */
  fileDeclaring(symbol: string): string | undefined;
  /** Name of the file declaring extension `number` of message `extendee`. */
  fileExtending(extendee: string, number: number): string | undefined;
  /** Extension numbers of a message; undefined when the message is unknown. */
  extensionNumbersOf(extendee: string): number[] | undefined;
}

export async function loadDescriptorIndex(descriptorSetPath: string): Promise<DescriptorIndex> {
  const [{ fromBinary, toBinary }, { FileDescriptorSetSchema, FileDescriptorProtoSchema }, bytes] = await Promise.all([
    import('@bufbuild/protobuf'),
    import('@bufbuild/protobuf/wkt'),
    fs.promises.readFile(descriptorSetPath),
  ]);
  const files = fromBinary(FileDescriptorSetSchema, bytes).file;
  return buildIndex(files, (file) => toBinary(FileDescriptorProtoSchema, file));
}

function buildIndex(files: readonly FileDescriptorProto[], serialize: (file: FileDescriptorProto) => Uint8Array): DescriptorIndex {
  const byName = new Map<string, FileDescriptorProto>();
  const serialized = new Map<string, Buffer>();
  const symbols = new Map<string, string>();
  const extensions = new Map<string, Map<number, string>>();
  const messages = new Set<string>();
  const services: string[] = [];

  for (const file of files) {
    byName.set(file.name, file);
    const bytes = serialize(file);
    serialized.set(file.name, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    const declare = (name: string): void => void symbols.set(name, file.name);
    const addExtensions = (fields: readonly FieldDescriptorProto[]): void => {
      for (const field of fields) {
        const extendee = field.extendee.replace(/^\./, '');
        let numbers = extensions.get(extendee);
        if (numbers === undefined) extensions.set(extendee, (numbers = new Map()));
        numbers.set(field.number, file.name);
      }
    };
    // Enum values are scoped like their enum, as in C++: pkg.Parent.VALUE, not pkg.Parent.Enum.VALUE.
    const addEnum = (scope: string, e: EnumDescriptorProto): void => {
      declare(`${scope}${e.name}`);
      for (const value of e.value) declare(`${scope}${value.name}`);
    };
    const addMessage = (scope: string, message: DescriptorProto): void => {
      const name = `${scope}${message.name}`;
      declare(name);
      messages.add(name);
      for (const field of message.field) declare(`${name}.${field.name}`);
      for (const oneof of message.oneofDecl) declare(`${name}.${oneof.name}`);
      for (const field of message.extension) declare(`${name}.${field.name}`);
      addExtensions(message.extension);
      for (const nested of message.nestedType) addMessage(`${name}.`, nested);
      for (const e of message.enumType) addEnum(`${name}.`, e);
    };

    const scope = file.package === '' ? '' : `${file.package}.`;
    for (const message of file.messageType) addMessage(scope, message);
    for (const e of file.enumType) addEnum(scope, e);
    for (const field of file.extension) declare(`${scope}${field.name}`);
    addExtensions(file.extension);
    for (const service of file.service) {
      const name = `${scope}${service.name}`;
      declare(name);
      services.push(name);
      for (const method of service.method) declare(`${name}.${method.name}`);
    }
  }

  return {
    services,
    fileWithDependencies(fileName) {
      if (!byName.has(fileName)) return undefined;
      const seen = new Set<string>();
      const visit = (name: string): void => {
        const file = byName.get(name);
        if (file === undefined || seen.has(name)) return;
        seen.add(name);
        for (const dependency of file.dependency) visit(dependency);
      };
      visit(fileName);
      return [...seen].map((name) => serialized.get(name) ?? Buffer.alloc(0));
    },
    fileDeclaring: (symbol) => symbols.get(symbol.replace(/^\./, '')),
    fileExtending: (extendee, number) => extensions.get(extendee.replace(/^\./, ''))?.get(number),
    extensionNumbersOf(extendee) {
      const name = extendee.replace(/^\./, '');
      if (!messages.has(name)) return undefined;
      return [...(extensions.get(name)?.keys() ?? [])];
    },
  };
}
