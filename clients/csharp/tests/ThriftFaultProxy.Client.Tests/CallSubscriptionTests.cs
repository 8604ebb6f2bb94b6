using System;
using System.Linq;
using System.Threading.Tasks;
using ThriftFaultProxy.V1;
using Xunit;

namespace ThriftFaultProxy.Client.Tests;

/// <summary>Waiting on calls through the event stream: no call is missed, and timeouts say what was seen.</summary>
[Collection(ProxyCollection.Name)]
public sealed class CallSubscriptionTests(ProxyWithUpstreamsFixture fixture) : IAsyncLifetime
{
    private ProxyControlClient Control => fixture.Control;

    public Task InitializeAsync() => fixture.ResetAsync();

    public Task DisposeAsync() => fixture.ResetAsync();

    [Fact]
    public async Task A_call_that_arrives_after_subscribing_is_seen_started_then_completed()
    {
        await using var calls = await Control.SubscribeAsync(new CallWatchOptions { Method = "CloudFetchDownload" });
        Assert.Empty(calls.Calls);
        using var http = fixture.CreateHttpClient();

        (await http.GetAsync(ProxyWithUpstreamsFixture.PresignedUrl("after.arrow", "sig-after"))).EnsureSuccessStatusCode();

        var call = Assert.Single(await calls.WaitForCallsAsync(completed: true, timeout: Waits.Event));
        var ofThisCall = calls.Events.Where(e => e.Call?.Sequence == call.Sequence).Select(e => e.Type);
        Assert.Equal([WatchEventType.CallStarted, WatchEventType.CallCompleted], ofThisCall);
        Assert.All(calls.Events, e => Assert.False(e.Replayed));
        Assert.Equal(0, calls.DroppedEventCount);
    }

    [Fact]
    public async Task WaitForCallsAsync_counts_calls_already_recorded_and_calls_still_to_come()
    {
        using var http = fixture.CreateHttpClient();
        (await http.GetAsync(ProxyWithUpstreamsFixture.PresignedUrl("first.arrow", "sig-1"))).EnsureSuccessStatusCode();

        var waiting = Control.WaitForCallsAsync("CloudFetchDownload", count: 2, completed: true, timeout: Waits.Event);
        (await http.GetAsync(ProxyWithUpstreamsFixture.PresignedUrl("second.arrow", "sig-2"))).EnsureSuccessStatusCode();

        var both = await waiting;
        Assert.Equal(2, both.Count);
        Assert.True(both[0].Sequence < both[1].Sequence);
    }

    [Fact]
    public async Task A_wait_that_times_out_lists_the_calls_it_saw()
    {
        using var http = fixture.CreateHttpClient();
        (await http.GetAsync(ProxyWithUpstreamsFixture.PresignedUrl("seen.arrow", "sig-seen"))).EnsureSuccessStatusCode();
        await Control.WaitForCallsAsync("CloudFetchDownload", completed: true, timeout: Waits.Event);

        var timeout = await Assert.ThrowsAsync<CallWaitTimeoutException>(
            () => Control.WaitForCallsAsync("FetchResults", count: 2, timeout: TimeSpan.FromMilliseconds(300)));

        Assert.Contains("2 FetchResults call(s)", timeout.Message);
        Assert.Contains("saw 0 matching", timeout.Message);
        Assert.Contains("CloudFetchDownload CloudFetch Completed HTTP 200", timeout.Message);
        Assert.Equal("CloudFetchDownload", Assert.Single(timeout.SeenCalls).Method);
    }

    [Fact]
    public async Task WaitForCallAsync_finds_the_call_a_scenario_fired_on()
    {
        await Control.EnableScenarioAsync("cloudfetch_404", times: 1, skip: 2);
        await using var calls = await Control.SubscribeAsync();
        using var http = fixture.CreateHttpClient();

        for (var i = 0; i < 4; i++) await http.GetAsync(ProxyWithUpstreamsFixture.PresignedUrl($"n{i}.arrow", $"sig{i}"));

        var failed = await calls.WaitForCallAsync(c => c.Scenario == "cloudfetch_404" && c.State == CallState.Completed, "the 404", Waits.Event);
        Assert.Equal(404u, failed.HttpStatus);
        Assert.Equal(3, calls.Calls.ToList().FindIndex(c => c.Sequence == failed.Sequence) + 1);
    }

    [Fact]
    public async Task ReadEventsAsync_streams_events_in_order_as_they_come()
    {
        await using var calls = await Control.SubscribeAsync(new CallWatchOptions { Kind = CallKind.CloudFetch });
        using var http = fixture.CreateHttpClient();
        var download = http.GetAsync(ProxyWithUpstreamsFixture.PresignedUrl("streamed.arrow", "sig-s"));

        using var cancel = new System.Threading.CancellationTokenSource(Waits.Event);
        var received = new System.Collections.Generic.List<CallEvent>();
        await foreach (var e in calls.ReadEventsAsync(cancel.Token))
        {
            received.Add(e);
            if (e.Type == WatchEventType.CallCompleted) break;
        }

        Assert.Equal([WatchEventType.CallStarted, WatchEventType.CallCompleted], received.Select(e => e.Type));
        (await download).EnsureSuccessStatusCode();
    }
}
