using System;
using System.Threading;
using System.Threading.Tasks;
using Grpc.Core;
using ThriftFaultProxy.V1;
using Xunit;

namespace ThriftFaultProxy.Client.Tests;

/// <summary>gRPC errors from the real proxy arrive as typed exceptions carrying status and message.</summary>
[Collection(ProxyCollection.Name)]
public sealed class ControlErrorTests(ProxyWithUpstreamsFixture fixture) : IAsyncLifetime
{
    private ProxyControlClient Control => fixture.Control;

    public Task InitializeAsync() => fixture.ResetAsync();

    public Task DisposeAsync() => fixture.ResetAsync();

    [Fact]
    public async Task Unknown_scenario_names_are_ScenarioNotFoundException()
    {
        var get = await Assert.ThrowsAsync<ScenarioNotFoundException>(() => Control.GetScenarioAsync("no_such_scenario"));
        Assert.Equal(StatusCode.NotFound, get.StatusCode);
        Assert.Equal("GetScenario", get.Operation);
        Assert.Contains("no_such_scenario", get.Detail);

        var enable = await Assert.ThrowsAsync<ScenarioNotFoundException>(() => Control.EnableScenarioAsync("no_such_scenario"));
        Assert.Equal("EnableScenario", enable.Operation);
        await Assert.ThrowsAsync<ScenarioNotFoundException>(() => Control.DisableScenarioAsync("no_such_scenario"));
    }

    [Fact]
    public async Task Out_of_range_or_inapplicable_overrides_are_InvalidControlArgumentException()
    {
        var zeroTimes = await Assert.ThrowsAsync<InvalidControlArgumentException>(() => Control.EnableScenarioAsync("cloudfetch_503", times: 0));
        Assert.Equal(StatusCode.InvalidArgument, zeroTimes.StatusCode);
        Assert.Contains("times", zeroTimes.Detail);

        await Assert.ThrowsAsync<InvalidControlArgumentException>(() => Control.EnableScenarioAsync("cloudfetch_503", times: 2, untilDisabled: true));
        var duration = await Assert.ThrowsAsync<InvalidControlArgumentException>(() => Control.EnableScenarioAsync("cloudfetch_503", duration: TimeSpan.FromSeconds(1)));
        Assert.Contains("duration", duration.Detail);
        await Assert.ThrowsAsync<InvalidControlArgumentException>(() => Control.EnableScenarioAsync("cloudfetch_timeout", duration: TimeSpan.FromHours(2)));

        Assert.False((await Control.GetScenarioAsync("cloudfetch_503")).Enabled);
    }

    [Fact]
    public async Task A_verification_without_a_kind_is_InvalidControlArgumentException()
    {
        var error = await Assert.ThrowsAsync<InvalidControlArgumentException>(() => Control.VerifyCallsAsync(new VerifyCallsRequest { Method = "OpenSession" }));
        Assert.Equal("VerifyCalls", error.Operation);
    }

    [Fact]
    public async Task A_subscription_the_proxy_rejects_fails_SubscribeAsync_with_the_typed_exception()
    {
        var error = await Assert.ThrowsAsync<InvalidControlArgumentException>(() => Control.SubscribeAsync(new CallWatchOptions { BufferSize = 1 }));
        Assert.Equal("WatchCalls", error.Operation);
    }

    [Fact]
    public async Task A_cancelled_token_cancels_the_call()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Control.ListScenariosAsync(cancelled.Token));
    }
}
