using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using ThriftFaultProxy.V1;
using Xunit;

namespace ThriftFaultProxy.Client.Tests;

/// <summary>
/// A WatchCalls subscriber that stops reading falls behind for real: the proxy's transport fills, its queue of 16
/// overflows, and the subscriber is told how many events it lost, then gets the events that follow.
/// </summary>
[Collection(ProxyCollection.Name)]
public sealed class WatchDropTests(ProxyWithUpstreamsFixture fixture) : IAsyncLifetime
{
    // Each ExecuteStatement yields two events (started, completed) that carry the decoded statement (the proxy keeps
    // up to 2048 characters of a string), so ~4.5 KB per call: 200 calls are ~900 KB, far beyond what HTTP/2 flow
    // control (a 64 KB stream window on the client, 16 KB of write buffer in the server) plus 16 queued events hold.
    private const int Calls = 200;
    private const int BufferSize = 16;
    private static readonly string LongStatement = "SELECT '" + new string('x', 2000) + "'";

    public Task InitializeAsync() => fixture.ResetAsync();

    public Task DisposeAsync() => fixture.ResetAsync();

    [Fact]
    public async Task A_subscriber_that_stops_reading_is_told_how_many_events_were_dropped_and_then_gets_later_events()
    {
        var watch = new CallWatchOptions { Method = "ExecuteStatement", BufferSize = BufferSize };
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        // The raw stream, on its own connection so that its full flow-control window blocks nothing else.
        using var rawClient = new ProxyControlClient(fixture.Proxy.ApiHost, fixture.Proxy.ApiPort);
        using var raw = rawClient.Raw.WatchCalls(watch.ToRequest(), cancellationToken: cancel.Token);
        Assert.True(await raw.ResponseStream.MoveNext(cancel.Token));
        Assert.Equal(WatchEventType.Live, raw.ResponseStream.Current.Type);

        // The helper, with its reader held after the LIVE marker the same way (its own connection too).
        var gate = new ReadGate(passBeforeClosing: 1);
        using var gatedChannel = GrpcChannel.ForAddress(fixture.Proxy.ApiUri);
        using var gatedClient = new ProxyControlClient(gatedChannel.Intercept(gate));
        await using var subscription = await gatedClient.SubscribeAsync(watch, cancel.Token);

        // Real traffic through the proxy while neither subscriber reads.
        var tcli = fixture.CreateTcliClient();
        await Parallel.ForEachAsync(Enumerable.Range(0, Calls), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancel.Token },
            async (_, token) => await tcli.ExecuteStatementAsync(new byte[16], new byte[16], LongStatement, token));

        // Now read: every event of those calls arrives or is counted in an EVENTS_DROPPED notice.
        var received = new List<WatchCallsResponse>();
        while (Accounted(received) < 2 * Calls)
        {
            Assert.True(await raw.ResponseStream.MoveNext(cancel.Token), "the stream ended");
            received.Add(raw.ResponseStream.Current);
        }
        var notices = received.Where(e => e.Type == WatchEventType.EventsDropped).ToList();
        Assert.NotEmpty(notices);
        Assert.All(notices, n => Assert.True(n.DroppedCount > 0));
        Assert.InRange(received.Count(e => e.Call != null), BufferSize, 2 * Calls - 1);
        Assert.Equal(2 * Calls, Accounted(received));
        // Nothing arrived twice (the calls ran 8 at a time, so starts and completions interleave).
        var delivered = received.Where(e => e.Call != null).Select(e => (e.Call.Sequence, e.Type)).ToList();
        Assert.Equal(delivered.Count, delivered.Distinct().Count());

        // The helper reads again and catches up the same way: it counts the drops.
        gate.Open();
        long helperAccounted = 0;
        await foreach (var e in subscription.ReadEventsAsync(cancel.Token))
        {
            helperAccounted += e.Type == WatchEventType.EventsDropped ? e.DroppedCount : e.Call != null ? 1 : 0;
            if (helperAccounted == 2 * Calls) break;
        }
        Assert.True(subscription.DroppedEventCount > 0);

        // Both caught up: a later call arrives whole, on the raw stream and in the helper.
        await tcli.ExecuteStatementAsync(new byte[16], new byte[16], "SELECT 'after the drop'", cancel.Token);
        var later = new List<WatchCallsResponse>();
        while (!later.Any(e => e.Type == WatchEventType.CallCompleted))
        {
            Assert.True(await raw.ResponseStream.MoveNext(cancel.Token), "the stream ended");
            later.Add(raw.ResponseStream.Current);
        }
        Assert.Equal([WatchEventType.CallStarted, WatchEventType.CallCompleted], later.Select(e => e.Type));
        Assert.Equal("SELECT 'after the drop'", later[1].Call.Request.Fields["statement"].StringValue);
        var lastSequence = later[1].Call.Sequence;

        var last = await subscription.WaitForCallAsync(c => c.Sequence == lastSequence && c.State == CallState.Completed, "the call after the drop", Waits.Event);
        Assert.Equal(200u, last.HttpStatus);
        var helperNotices = subscription.Events.Where(e => e.Type == WatchEventType.EventsDropped).ToList();
        Assert.NotEmpty(helperNotices);
        Assert.Equal(subscription.DroppedEventCount, helperNotices.Sum(e => e.DroppedCount));
        Assert.Equal(2 * Calls + 2, subscription.Events.Count(e => e.Call != null) + subscription.DroppedEventCount);
        // A wait that times out says events were dropped (and where to find the calls).
        var timeout = await Assert.ThrowsAsync<CallWaitTimeoutException>(
            () => subscription.WaitForCallsAsync("ExecuteStatement", count: 2 * Calls, timeout: TimeSpan.FromMilliseconds(200)));
        Assert.Contains($"{subscription.DroppedEventCount} events were dropped by the proxy", timeout.Message);
        // The history has every call, dropped events or not.
        Assert.Equal(Calls + 1, await fixture.Control.CountCallsAsync("ExecuteStatement"));
    }

    private static long Accounted(IEnumerable<WatchCallsResponse> events) =>
        events.Sum(e => e.Type == WatchEventType.EventsDropped ? (long)e.DroppedCount : e.Call != null ? 1 : 0);

    /// <summary>Lets a server stream's first messages through, then holds its reader until <see cref="Open"/>.</summary>
    private sealed class ReadGate(int passBeforeClosing) : Interceptor
    {
        private readonly TaskCompletionSource opened = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Open() => opened.TrySetResult();

        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
            TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation)
        {
            var call = continuation(request, context);
            return new AsyncServerStreamingCall<TResponse>(
                new GatedReader<TResponse>(call.ResponseStream, passBeforeClosing, opened.Task),
                call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, call.Dispose);
        }

        private sealed class GatedReader<T>(IAsyncStreamReader<T> inner, int passBeforeClosing, Task opened) : IAsyncStreamReader<T>
        {
            private int passed;

            public T Current => inner.Current;

            public async Task<bool> MoveNext(CancellationToken cancellationToken)
            {
                if (passed >= passBeforeClosing) await opened.WaitAsync(cancellationToken);
                passed++;
                return await inner.MoveNext(cancellationToken);
            }
        }
    }
}
