// Which of the proxy's three kinds of traffic a request is. Only Thrift calls are decoded; every request is
// recorded and can be matched by scenarios ('other' is recorded as kind 'http').
import { CallKind } from '../core/model';

export type TrafficKind = Exclude<CallKind, 'http'> | 'other';

const THRIFT_PATH_MARKERS = ['/sql/1.0/warehouses/', '/sql/1.0/endpoints/'] as const;

const CLOUD_STORAGE_SUFFIXES = ['blob.core.windows.net', 'storage.googleapis.com'] as const;

// Every S3 endpoint form: s3.amazonaws.com, s3.us-west-2.amazonaws.com, s3-us-west-2.amazonaws.com,
// s3.dualstack.eu-west-1.amazonaws.com, bucket.s3.amazonaws.com, and the China partition (.amazonaws.com.cn).
const S3_HOST = /(?:^|\.)s3(?:[.-][a-z0-9-]+)*\.amazonaws\.com(?:\.cn)?$/;

export type Classifier = (httpMethod: string, hostname: string, path: string) => TrafficKind;

/** Thrift = POST to a warehouse/endpoint path; CloudFetch = GET to cloud storage (or a configured pattern). */
export function createClassifier(extraCloudFetchHostPatterns: readonly string[] = []): Classifier {
  const extra = extraCloudFetchHostPatterns.map((p) => p.trim().toLowerCase()).filter((p) => p !== '');
  return (httpMethod, hostname, path) => {
    if (httpMethod === 'POST') return isThriftPath(path) ? 'thrift' : 'other';
    if (httpMethod === 'GET') return isCloudStorageHost(hostname, extra) ? 'cloudfetch' : 'other';
    return 'other';
  };
}

export function isThriftPath(path: string): boolean {
  return path.includes(THRIFT_PATH_MARKERS[0]) || path.includes(THRIFT_PATH_MARKERS[1]);
}

/** Whether `hostname` is cloud storage: a known provider, or a host containing one of `extraPatterns`. */
export function isCloudStorageHost(hostname: string, extraPatterns: readonly string[] = []): boolean {
  const name = hostname.toLowerCase();
  for (const suffix of CLOUD_STORAGE_SUFFIXES) if (name.includes(suffix)) return true;
  if (name.includes('amazonaws.com') && S3_HOST.test(name)) return true;
  for (const pattern of extraPatterns) if (name.includes(pattern)) return true;
  return false;
}
