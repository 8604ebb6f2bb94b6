/** A Thrift call as decoded from its request: what a reply made by the proxy must echo. */
export interface ThriftCallIdentity {
  method: string;
  seqid: number;
  protocol: 'binary' | 'compact';
  strictHeader?: boolean;
}
