using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using ThriftFaultProxy.V1;

namespace ThriftFaultProxy.Client
{
    /// <summary>
    /// Test-friendly client of the proxy's ScenarioControl API. Every RPC has an async method taking a
    /// CancellationToken; gRPC errors surface as <see cref="ProxyControlException"/> (or its subclasses
    /// <see cref="ScenarioNotFoundException"/> and <see cref="InvalidControlArgumentException"/>).
    /// The generated stubs stay available through <see cref="Raw"/> and <see cref="HealthClient"/>.
    /// </summary>
    public sealed class ProxyControlClient : IDisposable
    {
        private readonly GrpcChannel? ownedChannel;

        /// <summary>Connects to the control API at an address such as http://127.0.0.1:18081 (the default API port).</summary>
        public ProxyControlClient(Uri apiAddress)
        {
            ownedChannel = GrpcChannel.ForAddress(apiAddress, new GrpcChannelOptions { ThrowOperationCanceledOnCancellation = true });
            Raw = new ScenarioControl.ScenarioControlClient(ownedChannel);
            HealthClient = new Health.HealthClient(ownedChannel);
        }

        /// <summary>Connects to the control API on a host and port (plaintext HTTP/2).</summary>
        public ProxyControlClient(string host, int port)
            : this(ApiAddress(host, port))
        {
        }

        /// <summary>Uses a channel the caller owns (and disposes).</summary>
        public ProxyControlClient(CallInvoker callInvoker)
        {
            Raw = new ScenarioControl.ScenarioControlClient(callInvoker);
            HealthClient = new Health.HealthClient(callInvoker);
        }

        /// <summary>The generated ScenarioControl client, for anything the helpers do not cover.</summary>
        public ScenarioControl.ScenarioControlClient Raw { get; }

        /// <summary>The generated grpc.health.v1 client.</summary>
        public Health.HealthClient HealthClient { get; }

        /// <summary>The address of a control API on host and port; IPv6 literals get brackets.</summary>
        public static Uri ApiAddress(string host, int port) =>
            new Uri($"http://{(host.Contains(":") && !host.StartsWith("[", StringComparison.Ordinal) ? $"[{host}]" : host)}:{port}");

        /// <summary>Every scenario the proxy knows, in catalog order, with its current state.</summary>
        public async Task<IReadOnlyList<Scenario>> ListScenariosAsync(CancellationToken cancellationToken = default)
        {
            var response = await UnaryAsync("ListScenarios", o => Raw.ListScenariosAsync(new ListScenariosRequest(), o), cancellationToken).ConfigureAwait(false);
            return response.Scenarios.ToList();
        }

        /// <summary>One scenario by name; <see cref="ScenarioNotFoundException"/> if the proxy has none by that name.</summary>
        public async Task<Scenario> GetScenarioAsync(string name, CancellationToken cancellationToken = default)
        {
            var response = await UnaryAsync("GetScenario", o => Raw.GetScenarioAsync(new GetScenarioRequest { Name = name }, o), cancellationToken).ConfigureAwait(false);
            return response.Scenario;
        }

        /// <summary>
        /// Creates a scenario of your own, or replaces the one of the same name you defined before (which is then
        /// disarmed); it stays disarmed until <see cref="EnableScenarioAsync"/>. Build it with
        /// <see cref="Scenario.Named"/>. A built-in scenario's name: <see cref="ScenarioAlreadyExistsException"/>;
        /// an invalid definition: <see cref="InvalidControlArgumentException"/> whose detail names the field, e.g.
        /// "scenario.steps[0].respond.http_status: 99 is not an HTTP status".
        /// </summary>
        /// <returns>The scenario as defined, and whether it replaced one.</returns>
        public Task<DefineScenarioResponse> DefineScenarioAsync(ScenarioDefinition definition, CancellationToken cancellationToken = default)
        {
            if (definition == null) throw new ArgumentNullException(nameof(definition));
            var request = new DefineScenarioRequest { Scenario = definition };
            return UnaryAsync("DefineScenario", o => Raw.DefineScenarioAsync(request, o), cancellationToken);
        }

        /// <summary>
        /// Deletes a scenario you defined, disarming it. A built-in: <see cref="ScenarioPreconditionFailedException"/>;
        /// an unknown name: <see cref="ScenarioNotFoundException"/>.
        /// </summary>
        /// <returns>The definition that was removed, and whether it was armed.</returns>
        public Task<DeleteScenarioResponse> DeleteScenarioAsync(string name, CancellationToken cancellationToken = default) =>
            UnaryAsync("DeleteScenario", o => Raw.DeleteScenarioAsync(new DeleteScenarioRequest { Name = name }, o), cancellationToken);

        /// <summary>
        /// Arms a scenario. By default it fires once on the first matching request, then disables itself, and
        /// enabling clears the call history.
        /// </summary>
        /// <param name="name">Scenario name, e.g. "cloudfetch_503".</param>
        /// <param name="times">Fire this many times, then disable (1 to 1000000); null: once.</param>
        /// <param name="skip">Let this many matching requests pass untouched first (0 to 1000000).</param>
        /// <param name="duration">Hold time, only for hold scenarios; null: the scenario's default.</param>
        /// <param name="untilDisabled">Fire on every matching request until disabled (not with <paramref name="times"/>).</param>
        /// <param name="keepCallHistory">Keep the recorded calls instead of clearing them.</param>
        /// <param name="cancellationToken">Cancels the call.</param>
        /// <returns>The scenario as armed.</returns>
        public async Task<Scenario> EnableScenarioAsync(
            string name,
            int? times = null,
            int? skip = null,
            TimeSpan? duration = null,
            bool untilDisabled = false,
            bool keepCallHistory = false,
            CancellationToken cancellationToken = default)
        {
            var request = new EnableScenarioRequest { Name = name, UntilDisabled = untilDisabled, KeepCallHistory = keepCallHistory };
            if (times.HasValue) request.Times = NonNegative(times.Value, nameof(times));
            if (skip.HasValue) request.Skip = NonNegative(skip.Value, nameof(skip));
            if (duration.HasValue) request.Duration = Duration.FromTimeSpan(duration.Value);
            var response = await UnaryAsync("EnableScenario", o => Raw.EnableScenarioAsync(request, o), cancellationToken).ConfigureAwait(false);
            return response.Scenario;
        }

        /// <summary>Disarms a scenario; returns it as it is now.</summary>
        public async Task<Scenario> DisableScenarioAsync(string name, CancellationToken cancellationToken = default)
        {
            var response = await UnaryAsync("DisableScenario", o => Raw.DisableScenarioAsync(new DisableScenarioRequest { Name = name }, o), cancellationToken).ConfigureAwait(false);
            return response.Scenario;
        }

        /// <summary>Disarms every scenario; returns the names of those that were armed.</summary>
        public async Task<IReadOnlyList<string>> DisableAllScenariosAsync(CancellationToken cancellationToken = default)
        {
            var response = await UnaryAsync("DisableAllScenarios", o => Raw.DisableAllScenariosAsync(new DisableAllScenariosRequest(), o), cancellationToken).ConfigureAwait(false);
            return response.DisabledNames.ToList();
        }

        /// <summary>
        /// One page of recorded calls, oldest first, optionally filtered (at most 1000 calls and 3 MiB); the response
        /// also carries the drop count, <c>HasMore</c> and <c>NextSequence</c>, the <paramref name="fromSequence"/> of
        /// the next page. <see cref="ListAllCallsAsync"/> follows the pages.
        /// </summary>
        /// <param name="method">Only calls of this method; null: any.</param>
        /// <param name="kind">Only calls of this kind; unspecified: any.</param>
        /// <param name="fromSequence">Only calls with a sequence number at or above this.</param>
        /// <param name="limit">At most this many calls; 0: as many as fit one page.</param>
        /// <param name="cancellationToken">Cancels the call.</param>
        public Task<ListCallsResponse> ListCallsAsync(
            string? method = null,
            CallKind kind = CallKind.Unspecified,
            ulong fromSequence = 0,
            int limit = 0,
            CancellationToken cancellationToken = default)
        {
            var request = new ListCallsRequest
            {
                Filter = new CallFilter { Method = method ?? string.Empty, Kind = kind },
                FromSequence = fromSequence,
                Limit = NonNegative(limit, nameof(limit)),
            };
            return UnaryAsync("ListCalls", o => Raw.ListCallsAsync(request, o), cancellationToken);
        }

        /// <summary>Every recorded call from <paramref name="fromSequence"/> on, oldest first, asking page after page until none is left.</summary>
        /// <param name="method">Only calls of this method; null: any.</param>
        /// <param name="kind">Only calls of this kind; unspecified: any.</param>
        /// <param name="fromSequence">Only calls with a sequence number at or above this.</param>
        /// <param name="pageSize">Calls asked for per page; 0: as many as the proxy puts in one.</param>
        /// <param name="cancellationToken">Cancels the calls.</param>
        public async Task<IReadOnlyList<Call>> ListAllCallsAsync(
            string? method = null,
            CallKind kind = CallKind.Unspecified,
            ulong fromSequence = 0,
            int pageSize = 0,
            CancellationToken cancellationToken = default)
        {
            var calls = new List<Call>();
            for (var from = fromSequence; ;)
            {
                var page = await ListCallsAsync(method, kind, from, pageSize, cancellationToken).ConfigureAwait(false);
                calls.AddRange(page.Calls);
                if (!page.HasMore || page.NextSequence <= from) return calls;
                from = page.NextSequence;
            }
        }

        /// <summary>How many recorded calls match; e.g. <c>CountCallsAsync("FetchResults")</c>.</summary>
        public async Task<long> CountCallsAsync(string? method = null, CallKind kind = CallKind.Unspecified, CancellationToken cancellationToken = default)
        {
            var request = new CountCallsRequest { Method = method ?? string.Empty, Kind = kind };
            var response = await UnaryAsync("CountCalls", o => Raw.CountCallsAsync(request, o), cancellationToken).ConfigureAwait(false);
            return checked((long)response.Count);
        }

        /// <summary>The original proxy client's name for counting Thrift calls of one method.</summary>
        public async Task<int> CountThriftMethodCallsAsync(string method, CancellationToken cancellationToken = default) =>
            checked((int)await CountCallsAsync(method, CallKind.Thrift, cancellationToken).ConfigureAwait(false));

        /// <summary>Clears the call history; returns how many calls were removed. Sequence numbers keep increasing.</summary>
        public async Task<long> ResetCallsAsync(CancellationToken cancellationToken = default)
        {
            var response = await UnaryAsync("ResetCalls", o => Raw.ResetCallsAsync(new ResetCallsRequest(), o), cancellationToken).ConfigureAwait(false);
            return checked((long)response.ClearedCount);
        }

        /// <summary>Checks the recorded calls against an expectation; see also the Verify*Async shortcuts and <see cref="VerifyCallsResponseExtensions.EnsurePassed"/>.</summary>
        public Task<VerifyCallsResponse> VerifyCallsAsync(VerifyCallsRequest request, CancellationToken cancellationToken = default) =>
            UnaryAsync("VerifyCalls", o => Raw.VerifyCallsAsync(request, o), cancellationToken);

        /// <summary>The methods of the recorded calls are exactly <paramref name="methods"/>, in order.</summary>
        public Task<VerifyCallsResponse> VerifyExactSequenceAsync(IEnumerable<string> methods, CallKind kind = CallKind.Unspecified, CancellationToken cancellationToken = default) =>
            VerifyCallsAsync(SequenceRequest(VerificationKind.ExactSequence, methods, kind), cancellationToken);

        /// <summary><paramref name="methods"/> appear in order among the recorded calls (others may come between).</summary>
        public Task<VerifyCallsResponse> VerifyContainsSequenceAsync(IEnumerable<string> methods, CallKind kind = CallKind.Unspecified, CancellationToken cancellationToken = default) =>
            VerifyCallsAsync(SequenceRequest(VerificationKind.ContainsSequence, methods, kind), cancellationToken);

        /// <summary><paramref name="method"/> was called exactly <paramref name="count"/> times.</summary>
        public Task<VerifyCallsResponse> VerifyMethodCountAsync(string method, long count, CallKind kind = CallKind.Unspecified, CancellationToken cancellationToken = default)
        {
            if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "must not be negative");
            var request = new VerifyCallsRequest { Kind = VerificationKind.MethodCount, Method = method, Count = (ulong)count, CallKind = kind };
            return VerifyCallsAsync(request, cancellationToken);
        }

        /// <summary><paramref name="method"/> was called at least once.</summary>
        public Task<VerifyCallsResponse> VerifyMethodExistsAsync(string method, CallKind kind = CallKind.Unspecified, CancellationToken cancellationToken = default) =>
            VerifyCallsAsync(new VerifyCallsRequest { Kind = VerificationKind.MethodExists, Method = method, CallKind = kind }, cancellationToken);

        /// <summary>The proxy's addresses, CA certificate, version and fake warehouse (if any).</summary>
        public Task<GetProxyInfoResponse> GetProxyInfoAsync(CancellationToken cancellationToken = default) =>
            UnaryAsync("GetProxyInfo", o => Raw.GetProxyInfoAsync(new GetProxyInfoRequest(), o), cancellationToken);

        /// <summary>grpc.health.v1 Check of a service ("" = the whole server).</summary>
        public async Task<HealthCheckResponse.Types.ServingStatus> CheckHealthAsync(string service = "", CancellationToken cancellationToken = default)
        {
            var response = await UnaryAsync("Health.Check", o => HealthClient.CheckAsync(new HealthCheckRequest { Service = service }, o), cancellationToken).ConfigureAwait(false);
            return response.Status;
        }

        /// <summary>
        /// Polls grpc.health.v1 until the server reports SERVING. Connection failures while the server starts are
        /// retried; after <paramref name="timeout"/> a <see cref="TimeoutException"/> names the last answer.
        /// </summary>
        public async Task WaitUntilServingAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
        {
            using (var timer = new CancellationTokenSource(timeout))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token))
            {
                var lastAnswer = "no answer yet";
                var pause = TimeSpan.FromMilliseconds(20);
                while (true)
                {
                    try
                    {
                        var status = await CheckHealthAsync(string.Empty, linked.Token).ConfigureAwait(false);
                        if (status == HealthCheckResponse.Types.ServingStatus.Serving) return;
                        lastAnswer = $"status {status}";
                    }
                    catch (ProxyControlException e)
                    {
                        lastAnswer = e.Message;
                    }
                    catch (OperationCanceledException) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                    {
                        throw new TimeoutException($"The proxy's control API was not SERVING after {timeout.TotalSeconds:0.###} s; last answer: {lastAnswer}");
                    }
                    try
                    {
                        // Back-off between polls of a server that is still starting; not a wait for a test condition.
                        await Task.Delay(pause, linked.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                    {
                        throw new TimeoutException($"The proxy's control API was not SERVING after {timeout.TotalSeconds:0.###} s; last answer: {lastAnswer}");
                    }
                    pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 250));
                }
            }
        }

        /// <summary>
        /// The raw WatchCalls stream as events: replayed history (if asked), the LIVE marker, then live events.
        /// For waiting on calls prefer <see cref="SubscribeAsync"/>, which returns only once the stream is live.
        /// </summary>
        public async IAsyncEnumerable<CallEvent> WatchCallsAsync(CallWatchOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            var request = (options ?? new CallWatchOptions()).ToRequest();
            using (var call = Raw.WatchCalls(request, new CallOptions(cancellationToken: cancellationToken)))
            {
                while (true)
                {
                    bool more;
                    try
                    {
                        more = await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false);
                    }
                    catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
                    {
                        throw new OperationCanceledException(cancellationToken);
                    }
                    catch (RpcException e)
                    {
                        throw ProxyControlException.FromRpcException("WatchCalls", e);
                    }
                    if (!more) yield break;
                    yield return CallEvent.FromResponse(call.ResponseStream.Current);
                }
            }
        }

        /// <summary>
        /// Opens a WatchCalls subscription and returns once the proxy has marked it live: every call that arrives
        /// afterwards is seen by it. Dispose it when done.
        /// </summary>
        public Task<CallSubscription> SubscribeAsync(CallWatchOptions? options = null, CancellationToken cancellationToken = default) =>
            CallSubscription.StartAsync(Raw, options ?? new CallWatchOptions(), cancellationToken);

        /// <summary>
        /// Waits until the call history holds at least <paramref name="count"/> matching calls, counting those
        /// already recorded and those still to come; returns every matching call. On timeout throws
        /// <see cref="CallWaitTimeoutException"/> listing the calls seen.
        /// </summary>
        public async Task<IReadOnlyList<Call>> WaitForCallsAsync(
            string? method = null,
            int count = 1,
            TimeSpan? timeout = null,
            bool completed = false,
            CallKind kind = CallKind.Unspecified,
            CancellationToken cancellationToken = default)
        {
            // Replaying the whole history, then going live on the same stream, leaves no gap for a call to slip through.
            var subscription = await SubscribeAsync(new CallWatchOptions { ReplayFromSequence = 1 }, cancellationToken).ConfigureAwait(false);
            await using (subscription.ConfigureAwait(false))
            {
                return await subscription.WaitForCallsAsync(method, count, timeout, completed, kind, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>Like <see cref="WaitForCallsAsync"/>, for the first recorded or future call satisfying <paramref name="predicate"/>.</summary>
        public async Task<Call> WaitForCallAsync(
            Func<Call, bool> predicate,
            string description = "a matching call",
            TimeSpan? timeout = null,
            CancellationToken cancellationToken = default)
        {
            var subscription = await SubscribeAsync(new CallWatchOptions { ReplayFromSequence = 1 }, cancellationToken).ConfigureAwait(false);
            await using (subscription.ConfigureAwait(false))
            {
                return await subscription.WaitForCallAsync(predicate, description, timeout, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>Closes the channel if this client opened it.</summary>
        public void Dispose() => ownedChannel?.Dispose();

        private static async Task<TResponse> UnaryAsync<TResponse>(
            string operation,
            Func<CallOptions, AsyncUnaryCall<TResponse>> invoke,
            CancellationToken cancellationToken)
        {
            try
            {
                using (var call = invoke(new CallOptions(cancellationToken: cancellationToken)))
                {
                    return await call.ResponseAsync.ConfigureAwait(false);
                }
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }
            catch (RpcException e)
            {
                throw ProxyControlException.FromRpcException(operation, e);
            }
        }

        private static VerifyCallsRequest SequenceRequest(VerificationKind verification, IEnumerable<string> methods, CallKind kind)
        {
            var request = new VerifyCallsRequest { Kind = verification, CallKind = kind };
            request.Methods.AddRange(methods);
            return request;
        }

        private static uint NonNegative(int value, string name)
        {
            if (value < 0) throw new ArgumentOutOfRangeException(name, value, "must not be negative");
            return (uint)value;
        }
    }
}
