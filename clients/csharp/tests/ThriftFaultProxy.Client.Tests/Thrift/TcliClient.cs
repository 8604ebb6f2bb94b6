using System;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;
using Thrift;
using Thrift.Protocol;
using Thrift.Protocol.Entities;
using Thrift.Protocol.Utilities;
using Thrift.Transport.Client;

namespace ThriftFaultProxy.Client.Tests.Thrift;

/// <summary>
/// A TCLIService client over HTTP built on the ApacheThrift package (THttpTransport + TBinaryProtocol), with the
/// few request structs written by hand because there is no generated TCLIService code in C#.
/// </summary>
public sealed class TcliClient
{
    private readonly HttpMessageHandler handler;
    private readonly Uri endpoint;
    private readonly string? bearerToken;
    private int nextSeqId;

    /// <param name="handler">Carries the requests (e.g. through the proxy); not disposed here.</param>
    /// <param name="endpoint">The warehouse's HTTP path, e.g. http://host/sql/1.0/warehouses/x.</param>
    /// <param name="bearerToken">Sent as "Authorization: Bearer ..." when the warehouse checks it.</param>
    public TcliClient(HttpMessageHandler handler, Uri endpoint, string? bearerToken = null)
    {
        this.handler = handler;
        this.endpoint = endpoint;
        this.bearerToken = bearerToken;
    }

    public Task<TcliReply> OpenSessionAsync(string username, string password, CancellationToken cancellationToken = default) =>
        CallAsync("OpenSession", async protocol =>
        {
            await protocol.WriteStructBeginAsync(new TStruct("TOpenSessionReq"), cancellationToken);
            await protocol.WriteFieldBeginAsync(new TField("client_protocol", TType.I32, TcliProtocol.OpenSessionClientProtocol), cancellationToken);
            await protocol.WriteI32Async(TcliProtocol.ProtocolV8, cancellationToken);
            await protocol.WriteFieldEndAsync(cancellationToken);
            await protocol.WriteFieldBeginAsync(new TField("username", TType.String, TcliProtocol.OpenSessionUsername), cancellationToken);
            await protocol.WriteStringAsync(username, cancellationToken);
            await protocol.WriteFieldEndAsync(cancellationToken);
            await protocol.WriteFieldBeginAsync(new TField("password", TType.String, TcliProtocol.OpenSessionPassword), cancellationToken);
            await protocol.WriteStringAsync(password, cancellationToken);
            await protocol.WriteFieldEndAsync(cancellationToken);
            await protocol.WriteFieldStopAsync(cancellationToken);
            await protocol.WriteStructEndAsync(cancellationToken);
        }, cancellationToken);

    public Task<TcliReply> ExecuteStatementAsync(byte[] sessionGuid, byte[] sessionSecret, string statement, CancellationToken cancellationToken = default) =>
        ExecuteStatementAsync(sessionGuid, sessionSecret, statement, canDownloadResult: false, directResultsMaxRows: null, cancellationToken);

    /// <param name="canDownloadResult">TExecuteStatementReq.canDownloadResult: the server may answer with CloudFetch links.</param>
    /// <param name="directResultsMaxRows">TExecuteStatementReq.getDirectResults.maxRows: the first page comes with the reply.</param>
    public Task<TcliReply> ExecuteStatementAsync(byte[] sessionGuid, byte[] sessionSecret, string statement, bool canDownloadResult, long? directResultsMaxRows, CancellationToken cancellationToken = default) =>
        CallAsync("ExecuteStatement", async protocol =>
        {
            await protocol.WriteStructBeginAsync(new TStruct("TExecuteStatementReq"), cancellationToken);
            await protocol.WriteFieldBeginAsync(new TField("sessionHandle", TType.Struct, TcliProtocol.ExecuteSessionHandle), cancellationToken);
            await protocol.WriteStructBeginAsync(new TStruct("TSessionHandle"), cancellationToken);
            await protocol.WriteFieldBeginAsync(new TField("sessionId", TType.Struct, TcliProtocol.SessionHandleId), cancellationToken);
            await protocol.WriteStructBeginAsync(new TStruct("THandleIdentifier"), cancellationToken);
            await protocol.WriteFieldBeginAsync(new TField("guid", TType.String, TcliProtocol.HandleGuid), cancellationToken);
            await protocol.WriteBinaryAsync(sessionGuid, cancellationToken);
            await protocol.WriteFieldEndAsync(cancellationToken);
            await protocol.WriteFieldBeginAsync(new TField("secret", TType.String, TcliProtocol.HandleSecret), cancellationToken);
            await protocol.WriteBinaryAsync(sessionSecret, cancellationToken);
            await protocol.WriteFieldEndAsync(cancellationToken);
            await protocol.WriteFieldStopAsync(cancellationToken);
            await protocol.WriteStructEndAsync(cancellationToken);
            await protocol.WriteFieldEndAsync(cancellationToken);
            await protocol.WriteFieldStopAsync(cancellationToken);
            await protocol.WriteStructEndAsync(cancellationToken);
            await protocol.WriteFieldEndAsync(cancellationToken);
            await protocol.WriteFieldBeginAsync(new TField("statement", TType.String, TcliProtocol.ExecuteStatement), cancellationToken);
            await protocol.WriteStringAsync(statement, cancellationToken);
            await protocol.WriteFieldEndAsync(cancellationToken);
            if (directResultsMaxRows.HasValue)
            {
                await protocol.WriteFieldBeginAsync(new TField("getDirectResults", TType.Struct, TcliProtocol.ExecuteGetDirectResults), cancellationToken);
                await protocol.WriteStructBeginAsync(new TStruct("TSparkGetDirectResults"), cancellationToken);
                await protocol.WriteFieldBeginAsync(new TField("maxRows", TType.I64, TcliProtocol.GetDirectResultsMaxRows), cancellationToken);
                await protocol.WriteI64Async(directResultsMaxRows.Value, cancellationToken);
                await protocol.WriteFieldEndAsync(cancellationToken);
                await protocol.WriteFieldStopAsync(cancellationToken);
                await protocol.WriteStructEndAsync(cancellationToken);
                await protocol.WriteFieldEndAsync(cancellationToken);
            }
            if (canDownloadResult)
            {
                await protocol.WriteFieldBeginAsync(new TField("canDownloadResult", TType.Bool, TcliProtocol.ExecuteCanDownloadResult), cancellationToken);
                await protocol.WriteBoolAsync(true, cancellationToken);
                await protocol.WriteFieldEndAsync(cancellationToken);
            }
            await protocol.WriteFieldStopAsync(cancellationToken);
            await protocol.WriteStructEndAsync(cancellationToken);
        }, cancellationToken);

    private async Task<TcliReply> CallAsync(string method, Func<TProtocol, Task> writeRequest, CancellationToken cancellationToken)
    {
        var seqId = Interlocked.Increment(ref nextSeqId);
        // THttpTransport owns the HttpClient it is given, so each call gets its own over the shared handler.
        var http = new HttpClient(handler, disposeHandler: false);
        if (bearerToken != null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        using var transport = new THttpTransport(http, new TConfiguration(), endpoint);
        var protocol = new TBinaryProtocol(transport);
        await protocol.WriteMessageBeginAsync(new TMessage(method, TMessageType.Call, seqId), cancellationToken);
        await protocol.WriteStructBeginAsync(new TStruct($"{method}_args"), cancellationToken);
        await protocol.WriteFieldBeginAsync(new TField("req", TType.Struct, 1), cancellationToken);
        await writeRequest(protocol);
        await protocol.WriteFieldEndAsync(cancellationToken);
        await protocol.WriteFieldStopAsync(cancellationToken);
        await protocol.WriteStructEndAsync(cancellationToken);
        await protocol.WriteMessageEndAsync(cancellationToken);
        await transport.FlushAsync(cancellationToken);
        return await ReadReplyAsync(protocol, cancellationToken);
    }

    /// <summary>Reads a &lt;Method&gt;_result whose field 0 is a T*Resp; unknown fields are skipped.</summary>
    public static async Task<TcliReply> ReadReplyAsync(TProtocol protocol, CancellationToken cancellationToken)
    {
        var message = await protocol.ReadMessageBeginAsync(cancellationToken);
        if (message.Type == TMessageType.Exception)
        {
            var error = await TApplicationException.ReadAsync(protocol, cancellationToken);
            throw error;
        }
        if (message.Type != TMessageType.Reply) throw new InvalidOperationException($"expected a REPLY, got {message.Type}");

        var status = -1;
        string? errorMessage = null;
        int? serverProtocol = null;
        byte[]? guid = null;
        byte[]? secret = null;
        await ReadStructAsync(protocol, cancellationToken, async (resultField) =>
        {
            if (resultField.ID != 0 || resultField.Type != TType.Struct) return false;
            await ReadStructAsync(protocol, cancellationToken, async (field) =>
            {
                if (field.ID == TcliProtocol.RespStatus && field.Type == TType.Struct)
                {
                    await ReadStructAsync(protocol, cancellationToken, async (statusField) =>
                    {
                        if (statusField.ID == TcliProtocol.StatusCode && statusField.Type == TType.I32) status = await protocol.ReadI32Async(cancellationToken);
                        else if (statusField.ID == TcliProtocol.StatusErrorMessage && statusField.Type == TType.String) errorMessage = await protocol.ReadStringAsync(cancellationToken);
                        else return false;
                        return true;
                    });
                    return true;
                }
                if (message.Name == "OpenSession" && field.ID == TcliProtocol.OpenSessionServerProtocol && field.Type == TType.I32)
                {
                    serverProtocol = await protocol.ReadI32Async(cancellationToken);
                    return true;
                }
                if (message.Name == "OpenSession" && field.ID == TcliProtocol.OpenSessionSessionHandle && field.Type == TType.Struct)
                {
                    await ReadStructAsync(protocol, cancellationToken, async (handleField) =>
                    {
                        if (handleField.ID != TcliProtocol.SessionHandleId || handleField.Type != TType.Struct) return false;
                        await ReadStructAsync(protocol, cancellationToken, async (idField) =>
                        {
                            if (idField.ID == TcliProtocol.HandleGuid && idField.Type == TType.String) guid = await protocol.ReadBinaryAsync(cancellationToken);
                            else if (idField.ID == TcliProtocol.HandleSecret && idField.Type == TType.String) secret = await protocol.ReadBinaryAsync(cancellationToken);
                            else return false;
                            return true;
                        });
                        return true;
                    });
                    return true;
                }
                return false;
            });
            return true;
        });
        await protocol.ReadMessageEndAsync(cancellationToken);
        return new TcliReply(message.Name, message.SeqID, status, errorMessage, serverProtocol, guid, secret);
    }

    /// <summary>Reads one struct; <paramref name="readField"/> returns false for fields it does not consume, which are skipped.</summary>
    public static async Task ReadStructAsync(TProtocol protocol, CancellationToken cancellationToken, Func<TField, Task<bool>> readField)
    {
        await protocol.ReadStructBeginAsync(cancellationToken);
        while (true)
        {
            var field = await protocol.ReadFieldBeginAsync(cancellationToken);
            if (field.Type == TType.Stop) break;
            if (!await readField(field)) await TProtocolUtil.SkipAsync(protocol, field.Type, cancellationToken);
            await protocol.ReadFieldEndAsync(cancellationToken);
        }
        await protocol.ReadStructEndAsync(cancellationToken);
    }
}
