using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using ThriftFaultProxy.Client.Tests.Thrift;
using ThriftFaultProxy.Client.Tests.Upstreams;
using ThriftFaultProxy.V1;
using Xunit;

namespace ThriftFaultProxy.Client.Tests;

/// <summary>
/// Response-side steps from the builder (truncate, throttle, stall, corrupt, set, rewrite a Thrift reply), defined
/// over the real API and applied by the proxy to real replies of the test's upstreams on their way back.
/// </summary>
[Collection(ProxyCollection.Name)]
public sealed class ScenarioReplyStepTests(ProxyWithUpstreamsFixture fixture) : DefinedScenarioTestBase(fixture)
{

    private async Task DefineAndEnableAsync(ScenarioBuilder builder)
    {
        var scenario = await DefineAsync(builder);
        await Control.EnableScenarioAsync(scenario.Name);
    }

    private static string Blob(string name) => $"/results/{name}";

    [Fact]
    public async Task TruncateResponse_delivers_the_first_bytes_then_resets_the_connection()
    {
        await DefineAndEnableAsync(Scenario.Named("cs_truncate_download").OnCloudFetch().TruncateResponse(1000, ConnectionEnd.Reset));
        await using var calls = await Control.SubscribeAsync(new CallWatchOptions { Kind = CallKind.CloudFetch });
        using var http = Fixture.CreateHttpClient();

        using var response = await http.GetAsync(ProxyWithUpstreamsFixture.PresignedUrl("truncated.arrow", "sig-t"), HttpCompletionOption.ResponseHeadersRead);
        var stream = await response.Content.ReadAsStreamAsync();
        var received = new MemoryStream();
        var failure = await Record.ExceptionAsync(() => stream.CopyToAsync(received));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(failure is IOException or HttpRequestException, $"reading the body ended with {failure?.GetType().Name ?? "no error"}");
        Assert.Equal(UpstreamServers.BlobContent(Blob("truncated.arrow")).Take(1000), received.ToArray());
        var call = Assert.Single(await calls.WaitForCallsAsync(completed: true, timeout: Waits.Event));
        Assert.Equal("cs_truncate_download", call.Scenario);
        Assert.StartsWith("truncate the reply after", Assert.Single(call.Steps));
        Assert.Equal((1000ul, DeliveryEnd.Reset), (call.Delivery.BytesDelivered, call.Delivery.ConnectionEnd));
    }

    [Fact]
    public async Task SetResponse_and_CorruptResponse_change_status_headers_and_bytes_but_not_the_length()
    {
        await DefineAndEnableAsync(Scenario.Named("cs_set_and_corrupt").OnCloudFetch()
            .SetResponse(500, headers: new Dictionary<string, string> { ["X-Fault"] = "injected" }, retryAfter: TimeSpan.FromSeconds(2))
            .CorruptResponse(offset: 0, length: 4));
        await using var calls = await Control.SubscribeAsync(new CallWatchOptions { Kind = CallKind.CloudFetch });
        using var http = Fixture.CreateHttpClient();

        using var response = await http.GetAsync(ProxyWithUpstreamsFixture.PresignedUrl("corrupt.arrow", "sig-c"));
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(["injected"], response.Headers.GetValues("X-Fault"));
        Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
        var original = UpstreamServers.BlobContent(Blob("corrupt.arrow"));
        Assert.Equal(original.Length, body.Length);
        Assert.Equal(original.Take(4).Select(b => (byte)~b), body.Take(4));
        Assert.Equal(original.Skip(4), body.Skip(4));
        var call = Assert.Single(await calls.WaitForCallsAsync(completed: true, timeout: Waits.Event));
        Assert.Equal((500u, "cs_set_and_corrupt", 2), (call.HttpStatus, call.Scenario, call.Steps.Count));
        Assert.Equal(((ulong)original.Length, DeliveryEnd.Complete), (call.Delivery.BytesDelivered, call.Delivery.ConnectionEnd));
    }

    [Fact]
    public async Task StallResponse_pauses_and_ThrottleResponse_paces_the_body_which_arrives_whole()
    {
        var stall = TimeSpan.FromMilliseconds(400);
        const long rate = 40_000;
        await DefineAndEnableAsync(Scenario.Named("cs_stall_then_throttle").OnCloudFetch().StallResponse(100, stall).ThrottleResponse(rate));
        await using var calls = await Control.SubscribeAsync(new CallWatchOptions { Kind = CallKind.CloudFetch });
        using var http = Fixture.CreateHttpClient();

        var body = await http.GetByteArrayAsync(ProxyWithUpstreamsFixture.PresignedUrl("paced.arrow", "sig-p"));

        Assert.Equal(UpstreamServers.BlobContent(Blob("paced.arrow")), body);
        var call = Assert.Single(await calls.WaitForCallsAsync(completed: true, timeout: Waits.Event));
        Assert.Equal(2, call.Steps.Count);
        Assert.StartsWith("stall the reply", call.Steps[0]);
        Assert.StartsWith("throttle the reply", call.Steps[1]);
        Assert.Equal(DeliveryEnd.Complete, call.Delivery.ConnectionEnd);
        // Lower bounds only: the stall, plus the body past the throttle's 1/16 s burst at the rate.
        var paced = TimeSpan.FromSeconds((body.Length - rate / 16.0) / rate);
        var lastByte = call.Delivery.TimeToLastByte.ToTimeSpan();
        Assert.True(lastByte >= stall + paced - TimeSpan.FromMilliseconds(50), $"last byte after {lastByte}, expected at least {stall + paced}");
    }

    [Fact]
    public async Task RewriteThriftReply_changes_a_field_the_client_reads_and_the_record_keeps_the_servers_reply()
    {
        await DefineAndEnableAsync(Scenario.Named("cs_protocol_downgrade").OnThrift("OpenSession")
            .RewriteThriftReply("serverProtocolVersion", "SPARK_CLI_SERVICE_PROTOCOL_V5"));
        await using var calls = await Control.SubscribeAsync(new CallWatchOptions { Method = "OpenSession" });

        var reply = await Fixture.CreateTcliClient().OpenSessionAsync("token", "unused");

        Assert.Equal(TcliProtocol.StatusSuccess, reply.StatusCode);
        Assert.Equal(0xA505, reply.ServerProtocolVersion);
        var call = Assert.Single(await calls.WaitForCallsAsync(completed: true, timeout: Waits.Event));
        Assert.Equal("cs_protocol_downgrade", call.Scenario);
        Assert.Equal("SPARK_CLI_SERVICE_PROTOCOL_V5", call.Reply.Fields["serverProtocolVersion"].StringValue);
        Assert.Equal("SPARK_CLI_SERVICE_PROTOCOL_V8", call.UpstreamReply.Fields["serverProtocolVersion"].StringValue);
    }

    [Fact]
    public async Task A_response_step_after_a_step_that_answers_itself_is_refused_naming_it()
    {
        var error = await Assert.ThrowsAsync<InvalidControlArgumentException>(() => Control.DefineScenarioAsync(
            Scenario.Named("cs_unreachable").OnCloudFetch().Respond(503).TruncateResponse(10)));
        Assert.Contains("scenario.steps[1]", error.Detail);
    }
}
