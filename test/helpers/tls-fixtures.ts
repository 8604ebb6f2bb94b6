// Certificates for test upstream servers: a throwaway CA and a leaf for cloud-looking names, made once per test
// file (RSA key generation is the slow part) and shared by every test in it.
import { IssuedCertificates, issueCertificates } from '../../src/tls/certificates';

/** Names the shared leaf certificate is valid for: a storage account, a warehouse host, and loopback. */
export const STORAGE_HOST = 'fake.blob.core.windows.net';
export const WAREHOUSE_HOST = 'fake-workspace.cloud.databricks.com';
export const WILDCARD_STORAGE_SUFFIX = 'mapped.example.com';

let shared: IssuedCertificates | undefined;

/** CA + leaf for STORAGE_HOST, WAREHOUSE_HOST, *.mapped.example.com, localhost and 127.0.0.1. */
export function upstreamCertificates(): IssuedCertificates {
  shared ??= issueCertificates([STORAGE_HOST, WAREHOUSE_HOST, `*.${WILDCARD_STORAGE_SUFFIX}`, 'localhost', '127.0.0.1'], 'upstream test CA');
  return shared;
}
