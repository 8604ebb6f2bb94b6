using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Grpc.Health.V1;
using ThriftFaultProxy.V1;
using Xunit;

namespace ThriftFaultProxy.Client.Tests;

/// <summary>Every ScenarioControl RPC through <see cref="ProxyControlClient"/>, against the real proxy.</summary>
[Collection(ProxyCollection.Name)]
public sealed class ScenarioControlTests(ProxyWithUpstreamsFixture fixture) : IAsyncLifetime
{
    private static readonly string[] OriginalScenarioNames =
    [
        "cloudfetch_expired_link", "cloudfetch_400", "cloudfetch_403", "cloudfetch_404", "cloudfetch_405",
        "cloudfetch_412", "cloudfetch_500", "cloudfetch_503", "cloudfetch_timeout", "cloudfetch_connection_reset",
        "long_running_cloud_fetch", "invalid_session_handle", "session_timeout_premature", "expired_credentials",
        "network_timeout_open_session", "network_failure_close_session", "service_unavailable_503_open_session",
        "request_timeout_408_open_session", "bad_gateway_502_open_session", "gateway_timeout_504_open_session",
        "too_many_requests_429_open_session",
    ];

    private ProxyControlClient Control => fixture.Control;

    public Task InitializeAsync() => fixture.ResetAsync();

    public Task DisposeAsync() => fixture.ResetAsync();

    [Fact]
    public async Task ListScenarios_returns_the_original_catalog_with_actions()
    {
        var scenarios = await Control.ListScenariosAsync();

        Assert.Superset(OriginalScenarioNames.ToHashSet(), scenarios.Select(s => s.Name).ToHashSet());
        Assert.All(scenarios, s => Assert.False(s.Enabled));
        var unavailable = scenarios.Single(s => s.Name == "cloudfetch_503");
        Assert.Equal("CloudFetchDownload", unavailable.Operation);
        Assert.Equal(ScenarioActionKind.HttpStatus, unavailable.Action.Kind);
        Assert.Equal(503u, unavailable.Action.HttpStatus);
        var timeout = scenarios.Single(s => s.Name == "cloudfetch_timeout");
        Assert.Equal(ScenarioActionKind.Hold, timeout.Action.Kind);
        Assert.Equal(TimeSpan.FromSeconds(65), timeout.Action.DefaultDuration.ToTimeSpan());
        Assert.Equal("BL-13239", timeout.Ticket);
    }

    [Fact]
    public async Task EnableScenario_arms_with_overrides_and_GetScenario_and_DisableScenario_follow()
    {
        var armed = await Control.EnableScenarioAsync("cloudfetch_503", times: 2, skip: 1);
        Assert.True(armed.Enabled);
        Assert.Equal(2u, armed.RemainingFirings);
        Assert.Equal(1u, armed.SkipRemaining);
        Assert.False(armed.UntilDisabled);

        var read = await Control.GetScenarioAsync("cloudfetch_503");
        Assert.Equal(armed, read);

        var disabled = await Control.DisableScenarioAsync("cloudfetch_503");
        Assert.False(disabled.Enabled);
        Assert.False((await Control.GetScenarioAsync("cloudfetch_503")).Enabled);
    }

    [Fact]
    public async Task EnableScenario_sets_hold_duration_and_until_disabled()
    {
        var held = await Control.EnableScenarioAsync("cloudfetch_timeout", duration: TimeSpan.FromSeconds(3));
        Assert.Equal(TimeSpan.FromSeconds(3), held.Duration.ToTimeSpan());

        var always = await Control.EnableScenarioAsync("cloudfetch_404", untilDisabled: true, keepCallHistory: true);
        Assert.True(always.UntilDisabled);
        Assert.True(always.Enabled);
        Assert.Equal(0u, always.RemainingFirings);
    }

    [Fact]
    public async Task DisableAllScenarios_names_the_armed_ones()
    {
        await Control.EnableScenarioAsync("cloudfetch_400");
        await Control.EnableScenarioAsync("expired_credentials");

        var names = await Control.DisableAllScenariosAsync();

        Assert.Equal(["cloudfetch_400", "expired_credentials"], names.OrderBy(n => n, StringComparer.Ordinal));
        Assert.All(await Control.ListScenariosAsync(), s => Assert.False(s.Enabled));
        Assert.Empty(await Control.DisableAllScenariosAsync());
    }

    [Fact]
    public async Task Calls_can_be_listed_counted_verified_and_reset()
    {
        using var http = fixture.CreateHttpClient();
        var tcli = fixture.CreateTcliClient();
        await tcli.OpenSessionAsync("token", "not-a-real-password");
        (await http.GetAsync(ProxyWithUpstreamsFixture.PresignedUrl("a.arrow", "sig-a"))).EnsureSuccessStatusCode();
        (await http.GetAsync(ProxyWithUpstreamsFixture.PresignedUrl("b.arrow", "sig-b"))).EnsureSuccessStatusCode();
        await Control.WaitForCallsAsync(count: 3, completed: true, timeout: Waits.Event);

        var all = await Control.ListCallsAsync();
        Assert.Equal(["OpenSession", "CloudFetchDownload", "CloudFetchDownload"], all.Calls.Select(c => c.Method));
        Assert.True(all.NextSequence > all.Calls.Max(c => c.Sequence));
        var downloads = await Control.ListCallsAsync(kind: CallKind.CloudFetch, limit: 1);
        Assert.Equal("CloudFetchDownload", Assert.Single(downloads.Calls).Method);
        var later = await Control.ListCallsAsync(fromSequence: all.Calls[1].Sequence);
        Assert.Equal(all.Calls.Skip(1).Select(c => c.Sequence), later.Calls.Select(c => c.Sequence));
        Assert.False(all.HasMore);
        var firstPage = await Control.ListCallsAsync(limit: 2);
        Assert.True(firstPage.HasMore);
        Assert.Equal(all.Calls[2].Sequence, firstPage.NextSequence);
        var paged = await Control.ListAllCallsAsync(pageSize: 1);
        Assert.Equal(all.Calls.Select(c => c.Sequence), paged.Select(c => c.Sequence));

        Assert.Equal(2, await Control.CountCallsAsync("CloudFetchDownload"));
        Assert.Equal(1, await Control.CountCallsAsync(kind: CallKind.Thrift));
        Assert.Equal(1, await Control.CountThriftMethodCallsAsync("OpenSession"));

        (await Control.VerifyExactSequenceAsync(["OpenSession", "CloudFetchDownload", "CloudFetchDownload"])).EnsurePassed();
        (await Control.VerifyContainsSequenceAsync(["OpenSession", "CloudFetchDownload"])).EnsurePassed();
        (await Control.VerifyMethodCountAsync("CloudFetchDownload", 2)).EnsurePassed();
        (await Control.VerifyMethodExistsAsync("OpenSession", CallKind.Thrift)).EnsurePassed();
        var failed = await Control.VerifyMethodCountAsync("FetchResults", 1);
        Assert.False(failed.Passed);
        Assert.Equal(0ul, failed.ActualCount);
        var thrown = Assert.Throws<CallVerificationException>(() => failed.EnsurePassed());
        Assert.Contains("FetchResults", thrown.Message);

        Assert.Equal(3, await Control.ResetCallsAsync());
        Assert.Equal(0, await Control.CountCallsAsync());
        var afterReset = await Control.ListCallsAsync();
        Assert.Empty(afterReset.Calls);
        Assert.True(afterReset.NextSequence >= all.NextSequence);
    }

    [Fact]
    public async Task GetProxyInfo_matches_the_ready_line_and_the_CA_file()
    {
        var info = await Control.GetProxyInfoAsync();
        var proxy = fixture.Proxy;

        Assert.Equal(proxy.ProxyPort, (int)info.ProxyPort);
        Assert.Equal(proxy.ApiPort, (int)info.ApiPort);
        Assert.Equal(proxy.ProxyHost, info.ProxyHost);
        Assert.Equal(proxy.CaCertificatePath, info.CaCertPath);
        Assert.Equal(proxy.Version, info.Version);
        Assert.Equal(Normalize(File.ReadAllText(proxy.CaCertificatePath)), Normalize(info.CaCertPem));
        Assert.True(info.CallHistoryCapacity > 0);
        Assert.Null(info.FakeWarehouse);

        // The generated stub is reachable too, for anything the helpers do not wrap.
        var raw = await Control.Raw.GetProxyInfoAsync(new GetProxyInfoRequest());
        Assert.Equal(info, raw);
    }

    [Fact]
    public async Task Health_reports_serving_for_the_server_and_the_service()
    {
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await Control.CheckHealthAsync());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await Control.CheckHealthAsync("thriftproxy.v1.ScenarioControl"));
    }

    [Fact]
    public async Task WatchCalls_sends_live_first_then_events_of_later_calls()
    {
        using var cancel = new CancellationTokenSource(Waits.Event);
        using var http = fixture.CreateHttpClient();
        await using var events = Control.WatchCallsAsync(new CallWatchOptions { Method = "CloudFetchDownload" }, cancel.Token).GetAsyncEnumerator(cancel.Token);

        Assert.True(await events.MoveNextAsync());
        Assert.Equal(WatchEventType.Live, events.Current.Type);

        var download = http.GetAsync(ProxyWithUpstreamsFixture.PresignedUrl("watched.arrow", "sig-w"), cancel.Token);
        Assert.True(await events.MoveNextAsync());
        Assert.Equal(WatchEventType.CallStarted, events.Current.Type);
        Assert.False(events.Current.Replayed);
        var sequence = events.Current.Call!.Sequence;
        Assert.True(await events.MoveNextAsync());
        Assert.Equal(WatchEventType.CallCompleted, events.Current.Type);
        Assert.Equal(sequence, events.Current.Call!.Sequence);
        Assert.Equal(200u, events.Current.Call.HttpStatus);
        (await download).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task WatchCalls_replays_history_before_the_live_marker()
    {
        using var cancel = new CancellationTokenSource(Waits.Event);
        using var http = fixture.CreateHttpClient();
        (await http.GetAsync(ProxyWithUpstreamsFixture.PresignedUrl("replayed.arrow", "sig-r"), cancel.Token)).EnsureSuccessStatusCode();
        var recorded = (await Control.WaitForCallsAsync("CloudFetchDownload", completed: true, timeout: Waits.Event)).Single();

        await using var events = Control.WatchCallsAsync(new CallWatchOptions { ReplayFromSequence = recorded.Sequence }, cancel.Token).GetAsyncEnumerator(cancel.Token);

        Assert.True(await events.MoveNextAsync());
        Assert.True(events.Current.Replayed);
        Assert.Equal(recorded.Sequence, events.Current.Call!.Sequence);
        Assert.Equal(CallState.Completed, events.Current.Call.State);
        Assert.True(await events.MoveNextAsync());
        Assert.Equal(WatchEventType.Live, events.Current.Type);
    }

    private static string Normalize(string pem) => pem.Replace("\r", string.Empty).Trim();
}
