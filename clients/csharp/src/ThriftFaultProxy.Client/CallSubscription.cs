using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Grpc.Core;
using ThriftFaultProxy.V1;

namespace ThriftFaultProxy.Client
{
    /// <summary>
    /// A live WatchCalls subscription. It exists only once the proxy has sent its LIVE marker, so every call that
    /// arrives after <see cref="ProxyControlClient.SubscribeAsync"/> returns is seen. It keeps every event and the
    /// latest state of every call it saw (replayed and live) until disposed: waits never miss a call that arrived
    /// before they started.
    /// </summary>
    public sealed class CallSubscription : IAsyncDisposable, IDisposable
    {
        /// <summary>Timeout of waits that are given none.</summary>
        public static readonly TimeSpan DefaultWaitTimeout = TimeSpan.FromSeconds(10);

        private readonly AsyncServerStreamingCall<WatchCallsResponse> call;
        private readonly CancellationTokenSource lifetime;
        private readonly object gate = new object();
        private readonly List<CallEvent> events = new List<CallEvent>();
        private readonly SortedDictionary<ulong, Call> callsBySequence = new SortedDictionary<ulong, Call>();
        private readonly TaskCompletionSource<bool> live = NewSignal();
        private TaskCompletionSource<bool> changed = NewSignal();
        private long droppedEventCount;
        private bool ended;
        private Exception? failure;
        private Task pump = Task.CompletedTask;
        private int disposed;

        private CallSubscription(AsyncServerStreamingCall<WatchCallsResponse> call, CancellationTokenSource lifetime)
        {
            this.call = call;
            this.lifetime = lifetime;
        }

        /// <summary>Every call seen so far, in sequence order, each in its latest state.</summary>
        public IReadOnlyList<Call> Calls
        {
            get
            {
                lock (gate) return callsBySequence.Values.ToList();
            }
        }

        /// <summary>Every event received so far except the LIVE marker, oldest first.</summary>
        public IReadOnlyList<CallEvent> Events
        {
            get
            {
                lock (gate) return events.ToList();
            }
        }

        /// <summary>Events the proxy discarded because this subscriber fell behind; ListCalls still has those calls.</summary>
        public long DroppedEventCount => Interlocked.Read(ref droppedEventCount);

        internal static async Task<CallSubscription> StartAsync(
            ScenarioControl.ScenarioControlClient raw,
            CallWatchOptions options,
            CancellationToken cancellationToken)
        {
            var request = options.ToRequest();
            var lifetime = new CancellationTokenSource();
            var subscription = new CallSubscription(raw.WatchCalls(request, new CallOptions(cancellationToken: lifetime.Token)), lifetime);
            subscription.pump = Task.Run(subscription.PumpAsync);
            try
            {
                await TaskWaiting.WaitOrCancel(subscription.live.Task, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await subscription.DisposeAsync().ConfigureAwait(false);
                throw;
            }
            return subscription;
        }

        /// <summary>
        /// Waits until at least <paramref name="count"/> calls seen by this subscription match, and returns all that
        /// match. Throws <see cref="CallWaitTimeoutException"/> listing what was seen when time runs out.
        /// </summary>
        /// <param name="method">Only calls of this method; null: any.</param>
        /// <param name="count">How many matching calls to wait for.</param>
        /// <param name="timeout">How long to wait; null: <see cref="DefaultWaitTimeout"/>.</param>
        /// <param name="completed">Count only calls that completed or failed, not those still in flight.</param>
        /// <param name="kind">Only calls of this kind; unspecified: any.</param>
        /// <param name="cancellationToken">Cancels the wait (not the subscription).</param>
        public Task<IReadOnlyList<Call>> WaitForCallsAsync(
            string? method = null,
            int count = 1,
            TimeSpan? timeout = null,
            bool completed = false,
            CallKind kind = CallKind.Unspecified,
            CancellationToken cancellationToken = default)
        {
            if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "must not be negative");
            Func<Call, bool> matches = c =>
                (method == null || c.Method == method) &&
                (kind == CallKind.Unspecified || c.Kind == kind) &&
                (!completed || IsFinished(c));
            var description = $"{count} {method ?? "(any method)"} call(s)" +
                (kind == CallKind.Unspecified ? string.Empty : $" of kind {kind}") +
                (completed ? ", completed or failed" : string.Empty);
            return WaitAsync(matches, count, description, timeout, cancellationToken);
        }

        /// <summary>Waits for the first call seen that satisfies <paramref name="predicate"/> (checked on every state change).</summary>
        public async Task<Call> WaitForCallAsync(
            Func<Call, bool> predicate,
            string description = "a matching call",
            TimeSpan? timeout = null,
            CancellationToken cancellationToken = default)
        {
            var found = await WaitAsync(predicate, 1, description, timeout, cancellationToken).ConfigureAwait(false);
            return found[0];
        }

        /// <summary>Every event, from the first received, then live ones as they come; ends when the stream ends.</summary>
        public async IAsyncEnumerable<CallEvent> ReadEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            var next = 0;
            while (true)
            {
                CallEvent? item = null;
                Task signal;
                bool streamEnded;
                Exception? streamFailure;
                lock (gate)
                {
                    if (next < events.Count) item = events[next++];
                    signal = changed.Task;
                    streamEnded = ended;
                    streamFailure = failure;
                }
                if (item != null)
                {
                    yield return item;
                    continue;
                }
                if (streamEnded)
                {
                    if (streamFailure != null) throw streamFailure;
                    yield break;
                }
                await TaskWaiting.WaitOrCancel(signal, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>Cancels the stream.</summary>
        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref disposed, 1) != 0) return;
            lifetime.Cancel();
            await pump.ConfigureAwait(false);
            call.Dispose();
            lifetime.Dispose();
        }

        /// <summary>Cancels the stream.</summary>
        public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

        private async Task<IReadOnlyList<Call>> WaitAsync(
            Func<Call, bool> matches,
            int count,
            string description,
            TimeSpan? timeout,
            CancellationToken cancellationToken)
        {
            var limit = timeout ?? DefaultWaitTimeout;
            using (var timer = new CancellationTokenSource(limit))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token))
            {
                while (true)
                {
                    List<Call> seen;
                    Task signal;
                    bool streamEnded;
                    Exception? streamFailure;
                    lock (gate)
                    {
                        seen = callsBySequence.Values.ToList();
                        signal = changed.Task;
                        streamEnded = ended;
                        streamFailure = failure;
                    }
                    var matching = seen.Where(matches).ToList();
                    if (matching.Count >= count) return matching;
                    if (streamEnded)
                    {
                        throw new InvalidOperationException(
                            $"The WatchCalls stream ended while waiting for {description}; {DescribeSeen(matching, seen)}",
                            streamFailure);
                    }
                    try
                    {
                        await TaskWaiting.WaitOrCancel(signal, linked.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                    {
                        var final = Calls;
                        var finalMatching = final.Where(matches).ToList();
                        throw new CallWaitTimeoutException(
                            $"Timed out after {limit.TotalSeconds:0.###} s waiting for {description}; {DescribeSeen(finalMatching, final)}",
                            final);
                    }
                }
            }
        }

        private string DescribeSeen(IReadOnlyList<Call> matching, IReadOnlyList<Call> seen)
        {
            var dropped = DroppedEventCount;
            var drops = dropped == 0 ? string.Empty : $" ({dropped} events were dropped by the proxy; ListCalls has those calls)";
            return $"saw {matching.Count} matching: {CallDescriptions.DescribeAll(matching)}; " +
                $"all {seen.Count} calls seen: {CallDescriptions.DescribeAll(seen)}{drops}";
        }

        private async Task PumpAsync()
        {
            Exception? streamFailure = null;
            try
            {
                while (await call.ResponseStream.MoveNext(lifetime.Token).ConfigureAwait(false))
                {
                    Accept(CallEvent.FromResponse(call.ResponseStream.Current));
                }
            }
            catch (Exception) when (lifetime.IsCancellationRequested)
            {
                // Disposed: ending the stream is what was asked for.
            }
            catch (RpcException e)
            {
                streamFailure = ProxyControlException.FromRpcException("WatchCalls", e);
            }
            catch (Exception e)
            {
                streamFailure = e;
            }
            Finish(streamFailure);
        }

        private void Accept(CallEvent item)
        {
            if (item.Type == WatchEventType.Live)
            {
                live.TrySetResult(true);
                return;
            }
            TaskCompletionSource<bool> toRelease;
            lock (gate)
            {
                events.Add(item);
                if (item.Type == WatchEventType.EventsDropped) droppedEventCount += item.DroppedCount;
                if (item.Call != null) callsBySequence[item.Call.Sequence] = item.Call;
                toRelease = changed;
                changed = NewSignal();
            }
            toRelease.TrySetResult(true);
        }

        private void Finish(Exception? streamFailure)
        {
            TaskCompletionSource<bool> toRelease;
            lock (gate)
            {
                ended = true;
                failure = streamFailure;
                toRelease = changed;
            }
            if (streamFailure == null && Volatile.Read(ref disposed) != 0)
            {
                live.TrySetCanceled();
            }
            else
            {
                live.TrySetException(streamFailure ?? new ProxyControlException(
                    "WatchCalls", StatusCode.Unavailable, "the stream ended before the proxy sent its LIVE marker"));
            }
            toRelease.TrySetResult(true);
        }

        private static bool IsFinished(Call c) => c.State == CallState.Completed || c.State == CallState.Failed;

        private static TaskCompletionSource<bool> NewSignal() =>
            new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
