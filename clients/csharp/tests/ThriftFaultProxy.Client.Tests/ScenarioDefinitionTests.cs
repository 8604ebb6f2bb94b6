using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using Grpc.Core;
using Thrift;
using ThriftFaultProxy.Client.Tests.Thrift;
using ThriftFaultProxy.V1;
using Xunit;

namespace ThriftFaultProxy.Client.Tests;

/// <summary>
/// Scenarios of the test's own, built with <see cref="Scenario.Named"/>, defined and armed over the real control API,
/// then driven by real traffic through the proxy to the test's upstreams and observed through a CallSubscription.
/// </summary>
[Collection(ProxyCollection.Name)]
public sealed class ScenarioDefinitionTests(ProxyWithUpstreamsFixture fixture) : DefinedScenarioTestBase(fixture)
{

    [Fact]
    public async Task A_Thrift_field_matcher_fails_one_statement_with_a_Thrift_error_and_lets_the_other_pass()
    {
        var scenario = await DefineAsync(Scenario.Named("cs_range_table_missing")
            .Describe("Statements over range() fail as if the table were gone")
            .OnThrift("ExecuteStatement")
            .WhenField("statement", contains: "range(")
            .ThriftError("[TABLE_OR_VIEW_NOT_FOUND] The table or view cannot be found.", sqlState: "42P01", errorCode: 1234));
        Assert.False(scenario.Builtin);
        Assert.False(scenario.Enabled);
        Assert.Contains("ExecuteStatement", scenario.Explanation);
        await Control.EnableScenarioAsync("cs_range_table_missing", untilDisabled: true);
        var tcli = Fixture.CreateTcliClient();
        var session = await tcli.OpenSessionAsync("token", "unused");
        await using var calls = await Control.SubscribeAsync(new CallWatchOptions { Method = "ExecuteStatement" });
        var forwardedBefore = Fixture.Upstreams.ThriftMethodsReceived.Count(m => m == "ExecuteStatement");

        var passed = await tcli.ExecuteStatementAsync(session.SessionGuid!, session.SessionSecret!, "SELECT 1");
        var failed = await tcli.ExecuteStatementAsync(session.SessionGuid!, session.SessionSecret!, "SELECT * FROM range(10)");

        Assert.Equal(TcliProtocol.StatusSuccess, passed.StatusCode);
        Assert.Equal(TcliProtocol.StatusError, failed.StatusCode);
        Assert.Equal("[TABLE_OR_VIEW_NOT_FOUND] The table or view cannot be found.", failed.ErrorMessage);
        Assert.Equal(forwardedBefore + 1, Fixture.Upstreams.ThriftMethodsReceived.Count(m => m == "ExecuteStatement"));
        var recorded = await calls.WaitForCallsAsync(count: 2, completed: true, timeout: Waits.Event);
        Assert.Equal(["", "cs_range_table_missing"], recorded.Select(c => c.Scenario));
        Assert.Empty(recorded[0].Steps);
        Assert.Equal((3, "42P01"), (recorded[1].ReplyStatus.StatusCode, recorded[1].ReplyStatus.SqlState));
        Assert.Equal(failed.SeqId, recorded[1].Seqid);
        Assert.Single(recorded[1].Steps);
    }

    [Fact]
    public async Task A_429_with_Retry_After_answers_an_HTTP_request_that_is_neither_Thrift_nor_CloudFetch()
    {
        await DefineAsync(Scenario.Named("cs_token_429")
            .OnHttp("POST", "/oidc/v1/token")
            .Respond(429, body: "{\"error\":\"slow_down\"}", contentType: "application/json", retryAfter: TimeSpan.FromSeconds(3)));
        await Control.EnableScenarioAsync("cs_token_429");
        await using var calls = await Control.SubscribeAsync(new CallWatchOptions { Kind = CallKind.Http });
        using var http = Fixture.CreateHttpClient();
        var tokenUrl = new Uri($"http://{ProxyWithUpstreamsFixture.WorkspaceHost}/oidc/v1/token");

        using var limited = await http.PostAsync(tokenUrl, new StringContent("grant_type=client_credentials"));
        using var next = await http.PostAsync(tokenUrl, new StringContent("grant_type=client_credentials"));

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), limited.Headers.RetryAfter?.Delta);
        Assert.Equal("application/json", limited.Content.Headers.ContentType?.MediaType);
        Assert.Equal("{\"error\":\"slow_down\"}", await limited.Content.ReadAsStringAsync());
        // It fired once: the next request reached the upstream, which serves only GETs there.
        Assert.Equal(HttpStatusCode.MethodNotAllowed, next.StatusCode);
        var recorded = await calls.WaitForCallsAsync("POST /oidc/v1/token", count: 2, completed: true, timeout: Waits.Event);
        Assert.Equal([(429u, "cs_token_429"), (405u, "")], recorded.Select(c => (c.HttpStatus, c.Scenario)));
        Assert.All(recorded, c => Assert.Equal(CallKind.Http, c.Kind));
        Assert.Equal(["respond HTTP 429 (Retry-After: 3)"], recorded[0].Steps);
    }

    [Fact]
    public async Task Delay_then_reset_cuts_a_matching_download_after_the_delay_and_leaves_the_others()
    {
        var delay = TimeSpan.FromMilliseconds(400);
        await DefineAsync(Scenario.Named("cs_slow_then_reset").OnCloudFetch().WhenPath("/results/slow-*").Delay(delay).Reset());
        await Control.EnableScenarioAsync("cs_slow_then_reset");
        await using var calls = await Control.SubscribeAsync(new CallWatchOptions { Kind = CallKind.CloudFetch });
        using var http = Fixture.CreateHttpClient();

        using var fast = await http.GetAsync(ProxyWithUpstreamsFixture.PresignedUrl("fast-0.arrow", "sig-fast"));
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(ProxyWithUpstreamsFixture.PresignedUrl("slow-1.arrow", "sig-slow")));

        Assert.Equal(HttpStatusCode.OK, fast.StatusCode);
        var recorded = await calls.WaitForCallsAsync(count: 2, completed: true, timeout: Waits.Event);
        Assert.Equal(2, recorded.Count);
        Assert.Equal((CallState.Completed, ""), (recorded[0].State, recorded[0].Scenario));
        var cut = recorded[1];
        Assert.Equal((CallState.Failed, "cs_slow_then_reset", 0u), (cut.State, cut.Scenario, cut.HttpStatus));
        Assert.Equal(2, cut.Steps.Count);
        Assert.StartsWith("delay", cut.Steps[0]);
        Assert.StartsWith("reset", cut.Steps[1]);
        Assert.True(cut.Duration.ToTimeSpan() >= delay - TimeSpan.FromMilliseconds(50), $"cut after {cut.Duration.ToTimeSpan()}");
    }

    [Fact]
    public async Task Close_ends_the_connection_without_an_answer_and_HttpClient_resends_the_GET_by_itself()
    {
        await DefineAsync(Scenario.Named("cs_close_download").OnCloudFetch().Close());
        await Control.EnableScenarioAsync("cs_close_download");
        await using var calls = await Control.SubscribeAsync(new CallWatchOptions { Kind = CallKind.CloudFetch });
        using var http = Fixture.CreateHttpClient();

        using var response = await http.GetAsync(ProxyWithUpstreamsFixture.PresignedUrl("closed.arrow", "sig-closed"));

        // A connection closed (FIN) before any byte of an answer is what an idle keep-alive connection looks like:
        // SocketsHttpHandler sends the GET again on a new connection, which the scenario (fired once) lets through.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var recorded = await calls.WaitForCallsAsync(count: 2, completed: true, timeout: Waits.Event);
        Assert.Equal(2, recorded.Count);
        Assert.Equal((CallState.Failed, "cs_close_download", 0u), (recorded[0].State, recorded[0].Scenario, recorded[0].HttpStatus));
        Assert.Equal(["close the connection (FIN, no HTTP response)"], recorded[0].Steps);
        Assert.Equal((CallState.Completed, "", 200u), (recorded[1].State, recorded[1].Scenario, recorded[1].HttpStatus));
        Assert.Equal(recorded[0].Path, recorded[1].Path);
    }

    [Fact]
    public async Task Hold_with_an_enable_duration_then_forward()
    {
        var hold = TimeSpan.FromMilliseconds(500);
        await DefineAsync(Scenario.Named("cs_hold_download").OnCloudFetch().Hold(TimeSpan.FromMinutes(10)));
        var armed = await Control.EnableScenarioAsync("cs_hold_download", duration: hold);
        Assert.Equal(hold, armed.Duration.ToTimeSpan());
        await using var calls = await Control.SubscribeAsync(new CallWatchOptions { Kind = CallKind.CloudFetch });
        using var http = Fixture.CreateHttpClient();

        using var response = await http.GetAsync(ProxyWithUpstreamsFixture.PresignedUrl("held-0.arrow", "sig-held"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var call = Assert.Single(await calls.WaitForCallsAsync(completed: true, timeout: Waits.Event));
        Assert.Equal((200u, "cs_hold_download"), (call.HttpStatus, call.Scenario));
        Assert.True(call.Duration.ToTimeSpan() >= hold - TimeSpan.FromMilliseconds(50), $"answered after {call.Duration.ToTimeSpan()}");
    }

    [Fact]
    public async Task Delay_then_forward_reaches_the_server_and_a_TApplicationException_answers_instead_of_it()
    {
        await DefineAsync(Scenario.Named("cs_slow_open").OnThrift("OpenSession").Delay(TimeSpan.FromMilliseconds(200)).Forward());
        await DefineAsync(Scenario.Named("cs_exec_exception").OnThrift("ExecuteStatement")
            .ThriftApplicationException("internal failure", ThriftApplicationExceptionType.InternalError));
        await Control.EnableScenarioAsync("cs_slow_open");
        await Control.EnableScenarioAsync("cs_exec_exception", keepCallHistory: true);
        await using var calls = await Control.SubscribeAsync(new CallWatchOptions { Kind = CallKind.Thrift });
        var tcli = Fixture.CreateTcliClient();

        var session = await tcli.OpenSessionAsync("token", "unused");
        var exception = await Assert.ThrowsAsync<TApplicationException>(() => tcli.ExecuteStatementAsync(session.SessionGuid!, session.SessionSecret!, "SELECT 1"));

        Assert.Equal(TcliProtocol.StatusSuccess, session.StatusCode);
        Assert.Equal(TApplicationException.ExceptionType.InternalError, exception.Type);
        Assert.Equal("internal failure", exception.Message);
        var recorded = await calls.WaitForCallsAsync(count: 2, completed: true, timeout: Waits.Event);
        Assert.Equal([("OpenSession", "cs_slow_open", 2), ("ExecuteStatement", "cs_exec_exception", 1)],
                     recorded.Select(c => (c.Method, c.Scenario, c.Steps.Count)));
        Assert.Equal(["delay 200ms", "forward to the server"], recorded[0].Steps);
    }

    [Fact]
    public async Task Definitions_are_listed_replaced_and_deleted_and_built_ins_are_protected()
    {
        ScenarioDefinition first = Scenario.Named("cs_lifecycle").Describe("first").OnThrift("FetchResults").Respond(503, retryAfter: TimeSpan.FromSeconds(3));
        DeleteAfterTest(first.Name);
        var created = await Control.DefineScenarioAsync(first);
        Assert.False(created.Replaced);
        var listed = Assert.Single(await Control.ListScenariosAsync(), s => s.Name == "cs_lifecycle");
        Assert.Equal(first, listed.Definition);
        Assert.Equal("first", listed.Description);
        Assert.True((await Control.GetScenarioAsync("cloudfetch_503")).Builtin);

        await Control.EnableScenarioAsync("cs_lifecycle");
        var replaced = await Control.DefineScenarioAsync(Scenario.Named("cs_lifecycle").Describe("second").OnCloudFetch().Reset());
        Assert.True(replaced.Replaced);
        Assert.False(replaced.Scenario.Enabled);
        Assert.Equal("second", (await Control.GetScenarioAsync("cs_lifecycle")).Definition.Description);

        await Control.EnableScenarioAsync("cs_lifecycle");
        var deleted = await Control.DeleteScenarioAsync("cs_lifecycle");
        Assert.True(deleted.WasEnabled);
        Assert.Equal("second", deleted.Scenario.Description);
        await Assert.ThrowsAsync<ScenarioNotFoundException>(() => Control.GetScenarioAsync("cs_lifecycle"));
        var again = await Assert.ThrowsAsync<ScenarioNotFoundException>(() => Control.DeleteScenarioAsync("cs_lifecycle"));
        Assert.Equal("DeleteScenario", again.Operation);

        var builtinName = await Assert.ThrowsAsync<ScenarioAlreadyExistsException>(() => Control.DefineScenarioAsync(Scenario.Named("cloudfetch_503").OnCloudFetch().Reset()));
        Assert.Equal((StatusCode.AlreadyExists, "DefineScenario"), (builtinName.StatusCode, builtinName.Operation));
        var builtinDelete = await Assert.ThrowsAsync<ScenarioPreconditionFailedException>(() => Control.DeleteScenarioAsync("cloudfetch_503"));
        Assert.Equal(StatusCode.FailedPrecondition, builtinDelete.StatusCode);
        Assert.True((await Control.GetScenarioAsync("cloudfetch_503")).Builtin);
    }

    [Fact]
    public async Task An_invalid_definition_is_InvalidControlArgumentException_naming_each_field()
    {
        var error = await Assert.ThrowsAsync<InvalidControlArgumentException>(() => Control.DefineScenarioAsync(
            Scenario.Named("cs_invalid").OnThrift("FetchResults").Respond(99).Reset()));

        Assert.Equal("DefineScenario", error.Operation);
        Assert.Contains("scenario.steps[0].respond.http_status: 99", error.Detail);
        Assert.Contains("scenario.steps[1]", error.Detail);
        await Assert.ThrowsAsync<InvalidControlArgumentException>(() => Control.DefineScenarioAsync(Scenario.Named("cs_no_steps").OnCloudFetch()));
        await Assert.ThrowsAsync<InvalidControlArgumentException>(() => Control.DefineScenarioAsync(Scenario.Named("bad name!").Reset()));
        await Assert.ThrowsAsync<ScenarioNotFoundException>(() => Control.GetScenarioAsync("cs_invalid"));
    }
}
