// A warehouse that hands out CloudFetch links the way a real one does: presigned URLs (Azure SAS `sig`, S3
// SigV4 `X-Amz-Signature` and `X-Amz-Credential`) and per-link httpHeaders. Every secret value is distinctive,
// so tests can search everything the proxy exposes (records, events, logs) for it.
import http from 'node:http';
import Int64 from 'node-int64';
import { answerThriftCalls, encodeReply, readMessageHeader, T } from './thrift-messages';

export const AZURE_SIG = 'azure-sas-sig-5b0f9e7c1d2a4f68';
export const AMZ_SIGNATURE = 'a1b2c3d4e5f60718293a4b5c6d7e8f90amzsig';
export const AMZ_CREDENTIAL = 'AKIAEXAMPLESECRET42%2F20300101%2Fus-west-2%2Fs3%2Faws4_request';
export const LINK_HEADER_VALUE = 'link-header-value-3c8e1f0a9b7d';
export const AZURE_LINK = `https://acct.blob.core.windows.net/results/part-0001.arrow?sv=2021-08-06&se=2030-01-01&sr=b&sp=r&sig=${AZURE_SIG}`;
export const S3_LINK =
  'https://bucket.s3.us-west-2.amazonaws.com/results/part-0002.arrow?X-Amz-Algorithm=AWS4-HMAC-SHA256' +
  `&X-Amz-Credential=${AMZ_CREDENTIAL}&X-Amz-Date=20300101T000000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=${AMZ_SIGNATURE}`;
/** Every secret value a signed FetchResults reply carries. */
export const LINK_SECRETS: readonly string[] = [AZURE_SIG, AMZ_SIGNATURE, AMZ_CREDENTIAL, LINK_HEADER_VALUE];

/** A FetchResults SUCCESS reply with two CloudFetch links (Azure and S3), each with a secret http header. */
export function signedFetchResultsReply(seqid: number): Buffer {
  const link = (fileLink: string, row: number): T.TSparkArrowResultLink =>
    new T.TSparkArrowResultLink({
      fileLink,
      expiryTime: new Int64(1893456000000),
      startRowOffset: new Int64(row),
      rowCount: new Int64(4242),
      bytesNum: new Int64(1048576),
      httpHeaders: { 'x-custom-download-header': LINK_HEADER_VALUE, 'x-ms-encryption-key': LINK_HEADER_VALUE },
    });
  const response = new T.TFetchResultsResp({
    status: new T.TStatus({ statusCode: T.TStatusCode.SUCCESS_STATUS }),
    hasMoreRows: false,
    results: new T.TRowSet({ startRowOffset: new Int64(0), rows: [], resultLinks: [link(AZURE_LINK, 0), link(S3_LINK, 4242)] }),
  });
  return encodeReply('FetchResults', response as unknown as Parameters<typeof encodeReply>[1], seqid);
}

/** An upstream handler: FetchResults CALLs get signedFetchResultsReply, every other call a plain SUCCESS. */
export function answerWithSignedLinks(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): void {
  const header = readMessageHeader(body);
  if (header?.method !== 'FetchResults' || header.protocol !== 'binary') {
    answerThriftCalls(req, res, body);
    return;
  }
  const reply = signedFetchResultsReply(header.seqid);
  res.writeHead(200, { 'content-type': 'application/x-thrift', 'content-length': reply.length });
  res.end(reply);
}
