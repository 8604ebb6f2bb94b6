using System;
using System.Linq;
using System.Threading.Tasks;
using ThriftFaultProxy.Client.Tests.Thrift;
using ThriftFaultProxy.V1;
using Xunit;

namespace ThriftFaultProxy.Client.Tests;

/// <summary>TCLIService over HTTP from an ApacheThrift client, through the proxy, to the test's upstream.</summary>
[Collection(ProxyCollection.Name)]
public sealed class ThriftTrafficTests(ProxyWithUpstreamsFixture fixture) : IAsyncLifetime
{
    private ProxyControlClient Control => fixture.Control;

    public Task InitializeAsync() => fixture.ResetAsync();

    public Task DisposeAsync() => fixture.ResetAsync();

    [Fact]
    public async Task OpenSession_is_forwarded_decoded_and_recorded_without_the_password()
    {
        var password = "dapi" + Guid.NewGuid().ToString("N");
        await using var calls = await Control.SubscribeAsync(new CallWatchOptions { Kind = CallKind.Thrift });

        var reply = await fixture.CreateTcliClient().OpenSessionAsync("token", password);

        Assert.Equal(TcliProtocol.StatusSuccess, reply.StatusCode);
        Assert.Equal(TcliProtocol.ProtocolV8, reply.ServerProtocolVersion);
        Assert.Equal(16, reply.SessionGuid!.Length);
        Assert.Contains("OpenSession", fixture.Upstreams.ThriftMethodsReceived);

        var call = Assert.Single(await calls.WaitForCallsAsync("OpenSession", completed: true, timeout: Waits.Event));
        Assert.True(call.Decoded);
        Assert.Equal(ThriftMessageType.Call, call.MessageType);
        Assert.Equal(reply.SeqId, call.Seqid);
        Assert.Equal("POST", call.HttpMethod);
        Assert.Equal(ProxyWithUpstreamsFixture.WarehousePath, call.Path);
        Assert.Equal(200u, call.HttpStatus);
        // The proxy names enum values from the TCLIService schema.
        Assert.Equal("SPARK_CLI_SERVICE_PROTOCOL_V8", call.Request.Fields["client_protocol"].StringValue);
        Assert.Equal("token", call.Request.Fields["username"].StringValue);
        Assert.NotEqual(password, call.Request.Fields["password"].StringValue);
        Assert.Equal(0, call.ReplyStatus.StatusCode);
        Assert.DoesNotContain(password, call.ToString());
    }

    [Fact]
    public async Task Invalid_session_handle_answers_ExecuteStatement_with_a_Thrift_error_instead_of_the_server()
    {
        var tcli = fixture.CreateTcliClient();
        var session = await tcli.OpenSessionAsync("token", "unused");
        await Control.EnableScenarioAsync("invalid_session_handle");
        await using var calls = await Control.SubscribeAsync(new CallWatchOptions { Method = "ExecuteStatement" });
        var forwardedBefore = fixture.Upstreams.ThriftMethodsReceived.Count(m => m == "ExecuteStatement");

        var reply = await tcli.ExecuteStatementAsync(session.SessionGuid!, session.SessionSecret!, "SELECT 1");

        Assert.Equal("ExecuteStatement", reply.Method);
        Assert.Contains(reply.StatusCode, new[] { TcliProtocol.StatusError, TcliProtocol.StatusInvalidHandle });
        Assert.False(string.IsNullOrEmpty(reply.ErrorMessage));
        Assert.Equal(forwardedBefore, fixture.Upstreams.ThriftMethodsReceived.Count(m => m == "ExecuteStatement"));
        var call = Assert.Single(await calls.WaitForCallsAsync(completed: true, timeout: Waits.Event));
        Assert.Equal("invalid_session_handle", call.Scenario);
        Assert.Equal(reply.SeqId, call.Seqid);
        Assert.Equal(reply.StatusCode, call.ReplyStatus.StatusCode);
    }

    [Fact]
    public async Task Service_unavailable_scenario_answers_OpenSession_with_HTTP_503()
    {
        await Control.EnableScenarioAsync("service_unavailable_503_open_session");
        await using var calls = await Control.SubscribeAsync(new CallWatchOptions { Method = "OpenSession" });

        await Assert.ThrowsAnyAsync<Exception>(() => fixture.CreateTcliClient().OpenSessionAsync("token", "unused"));

        var call = Assert.Single(await calls.WaitForCallsAsync(completed: true, timeout: Waits.Event));
        Assert.Equal(503u, call.HttpStatus);
        Assert.Equal("service_unavailable_503_open_session", call.Scenario);
        var retried = await fixture.CreateTcliClient().OpenSessionAsync("token", "unused");
        Assert.Equal(TcliProtocol.StatusSuccess, retried.StatusCode);
    }
}
