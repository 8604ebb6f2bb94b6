namespace ThriftFaultProxy.Client.Tests.Thrift;

/// <summary>What the test's Thrift client read from a T*Resp.</summary>
public sealed record TcliReply(
    string Method,
    int SeqId,
    int StatusCode,
    string? ErrorMessage,
    int? ServerProtocolVersion,
    byte[]? SessionGuid,
    byte[]? SessionSecret);
