using System;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Thrift;
using Thrift.Protocol;
using Thrift.Protocol.Entities;
using Thrift.Protocol.Utilities;
using Thrift.Transport.Client;
using ThriftFaultProxy.Client.Tests.Thrift;

namespace ThriftFaultProxy.Client.Tests.Upstreams;

/// <summary>
/// The Thrift side of the test's upstream warehouse: decodes a CALL and answers a valid REPLY with the same method
/// and sequence id, TStatus SUCCESS, and for OpenSession a protocol version and a session handle.
/// </summary>
public static class TcliUpstreamResponder
{
    public static async Task<(string Method, byte[] Reply)> ReplyAsync(byte[] requestBody, CancellationToken cancellationToken)
    {
        var config = new TConfiguration();
        using var input = new TMemoryBufferTransport(requestBody, config);
        var reader = new TBinaryProtocol(input);
        var call = await reader.ReadMessageBeginAsync(cancellationToken);
        await TProtocolUtil.SkipAsync(reader, TType.Struct, cancellationToken);
        await reader.ReadMessageEndAsync(cancellationToken);

        using var output = new TMemoryBufferTransport(config, 256);
        var writer = new TBinaryProtocol(output);
        await writer.WriteMessageBeginAsync(new TMessage(call.Name, TMessageType.Reply, call.SeqID), cancellationToken);
        await writer.WriteStructBeginAsync(new TStruct($"{call.Name}_result"), cancellationToken);
        await writer.WriteFieldBeginAsync(new TField("success", TType.Struct, 0), cancellationToken);
        await writer.WriteStructBeginAsync(new TStruct($"T{call.Name}Resp"), cancellationToken);
        await WriteSuccessStatusAsync(writer, cancellationToken);
        if (call.Name == "OpenSession") await WriteOpenSessionFieldsAsync(writer, cancellationToken);
        await writer.WriteFieldStopAsync(cancellationToken);
        await writer.WriteStructEndAsync(cancellationToken);
        await writer.WriteFieldEndAsync(cancellationToken);
        await writer.WriteFieldStopAsync(cancellationToken);
        await writer.WriteStructEndAsync(cancellationToken);
        await writer.WriteMessageEndAsync(cancellationToken);
        return (call.Name, output.GetBuffer().AsSpan(0, output.Length).ToArray());
    }

    private static async Task WriteSuccessStatusAsync(TProtocol writer, CancellationToken cancellationToken)
    {
        await writer.WriteFieldBeginAsync(new TField("status", TType.Struct, TcliProtocol.RespStatus), cancellationToken);
        await writer.WriteStructBeginAsync(new TStruct("TStatus"), cancellationToken);
        await writer.WriteFieldBeginAsync(new TField("statusCode", TType.I32, TcliProtocol.StatusCode), cancellationToken);
        await writer.WriteI32Async(TcliProtocol.StatusSuccess, cancellationToken);
        await writer.WriteFieldEndAsync(cancellationToken);
        await writer.WriteFieldStopAsync(cancellationToken);
        await writer.WriteStructEndAsync(cancellationToken);
        await writer.WriteFieldEndAsync(cancellationToken);
    }

    private static async Task WriteOpenSessionFieldsAsync(TProtocol writer, CancellationToken cancellationToken)
    {
        await writer.WriteFieldBeginAsync(new TField("serverProtocolVersion", TType.I32, TcliProtocol.OpenSessionServerProtocol), cancellationToken);
        await writer.WriteI32Async(TcliProtocol.ProtocolV8, cancellationToken);
        await writer.WriteFieldEndAsync(cancellationToken);
        await writer.WriteFieldBeginAsync(new TField("sessionHandle", TType.Struct, TcliProtocol.OpenSessionSessionHandle), cancellationToken);
        await writer.WriteStructBeginAsync(new TStruct("TSessionHandle"), cancellationToken);
        await writer.WriteFieldBeginAsync(new TField("sessionId", TType.Struct, TcliProtocol.SessionHandleId), cancellationToken);
        await writer.WriteStructBeginAsync(new TStruct("THandleIdentifier"), cancellationToken);
        await writer.WriteFieldBeginAsync(new TField("guid", TType.String, TcliProtocol.HandleGuid), cancellationToken);
        await writer.WriteBinaryAsync(Guid.NewGuid().ToByteArray(bigEndian: true), cancellationToken);
        await writer.WriteFieldEndAsync(cancellationToken);
        await writer.WriteFieldBeginAsync(new TField("secret", TType.String, TcliProtocol.HandleSecret), cancellationToken);
        await writer.WriteBinaryAsync(RandomNumberGenerator.GetBytes(16), cancellationToken);
        await writer.WriteFieldEndAsync(cancellationToken);
        await writer.WriteFieldStopAsync(cancellationToken);
        await writer.WriteStructEndAsync(cancellationToken);
        await writer.WriteFieldEndAsync(cancellationToken);
        await writer.WriteFieldStopAsync(cancellationToken);
        await writer.WriteStructEndAsync(cancellationToken);
        await writer.WriteFieldEndAsync(cancellationToken);
    }
}
