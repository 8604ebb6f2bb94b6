using System;
using System.Collections.Generic;
using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using ThriftFaultProxy.V1;

namespace ThriftFaultProxy.Client
{
    /// <summary>
    /// Builds a <see cref="ScenarioDefinition"/>: what it matches (every <c>On*</c> / <c>When*</c> call adds a
    /// condition; all must hold) and the steps it runs, in the order they are added. Start with
    /// <see cref="Scenario.Named"/>; pass the builder to <see cref="ProxyControlClient.DefineScenarioAsync"/> (it
    /// converts to a <see cref="ScenarioDefinition"/>). Request-side steps (delay, respond, ...) act before the
    /// server answers; the <c>*Response</c> / <c>RewriteThriftReply</c> steps act on the server's reply on its way
    /// back and must come before any step that ends the exchange. The proxy checks the definition and answers
    /// INVALID_ARGUMENT naming the offending field, so the builder checks only what it must itself format.
    /// </summary>
    /// <example>
    /// <code>
    /// Scenario.Named("fetch_503")
    ///     .OnThrift("FetchResults")
    ///     .WhenField("maxRows", equals: "100")
    ///     .Respond(503, retryAfter: TimeSpan.FromSeconds(3))
    /// </code>
    /// </example>
    public sealed class ScenarioBuilder
    {
        private readonly ScenarioDefinition definition;

        internal ScenarioBuilder(string name)
        {
            if (name == null) throw new ArgumentNullException(nameof(name));
            definition = new ScenarioDefinition { Name = name };
        }

        private Match Match => definition.Match ??= new Match();

        /// <summary>What the scenario simulates and what a driver is expected to do (shown by ListScenarios).</summary>
        public ScenarioBuilder Describe(string description)
        {
            definition.Description = description ?? throw new ArgumentNullException(nameof(description));
            return this;
        }

        /// <summary>Decoded Thrift calls only; with <paramref name="methods"/>, only calls of one of them (e.g. "FetchResults").</summary>
        public ScenarioBuilder OnThrift(params string[] methods) => OnKind(CallKind.Thrift, methods);

        /// <summary>CloudFetch downloads only (GETs of presigned cloud-storage URLs).</summary>
        public ScenarioBuilder OnCloudFetch() => OnKind(CallKind.CloudFetch, Array.Empty<string>());

        /// <summary>
        /// HTTP requests that are neither Thrift nor CloudFetch (REST APIs, the OAuth token endpoint, ...); with
        /// <paramref name="httpMethod"/> and/or <paramref name="path"/> (a glob), only those.
        /// </summary>
        public ScenarioBuilder OnHttp(string? httpMethod = null, string? path = null)
        {
            OnKind(CallKind.Http, Array.Empty<string>());
            if (httpMethod != null) WhenHttpMethod(httpMethod);
            if (path != null) WhenPath(path);
            return this;
        }

        /// <summary>
        /// Calls whose recorded method is one of <paramref name="methods"/>, of any kind: a Thrift method,
        /// "CloudFetchDownload", or for other HTTP requests the HTTP method and path ("POST /oidc/v1/token").
        /// </summary>
        public ScenarioBuilder OnMethods(params string[] methods)
        {
            Match.Methods.AddRange(methods ?? throw new ArgumentNullException(nameof(methods)));
            return this;
        }

        /// <summary>Requests to a host matching the glob, case-insensitive ('*' any run, '?' one character), e.g. "*.blob.core.windows.net".</summary>
        public ScenarioBuilder WhenHost(string glob)
        {
            Match.Host = glob ?? throw new ArgumentNullException(nameof(glob));
            return this;
        }

        /// <summary>Requests whose path (without the query string) matches the glob, e.g. "/api/2.0/sql/statements*".</summary>
        public ScenarioBuilder WhenPath(string glob)
        {
            Match.Path = glob ?? throw new ArgumentNullException(nameof(glob));
            return this;
        }

        /// <summary>Requests with this HTTP method (case-insensitive), e.g. "GET".</summary>
        public ScenarioBuilder WhenHttpMethod(string method)
        {
            Match.HttpMethod = method ?? throw new ArgumentNullException(nameof(method));
            return this;
        }

        /// <summary>Requests that carry the header (name case-insensitive); with <paramref name="value"/>, exactly that value.</summary>
        public ScenarioBuilder WhenHeader(string name, string? value = null)
        {
            if (name == null) throw new ArgumentNullException(nameof(name));
            if (Match.Header != null) throw new InvalidOperationException($"The match already has a header condition ({Match.Header.Name}); a scenario matches on one header.");
            Match.Header = new HeaderMatch { Name = name, Value = value ?? string.Empty };
            return this;
        }

        /// <summary>
        /// Thrift calls whose decoded request field at the dotted <paramref name="path"/> (as ListCalls shows it, e.g.
        /// "statement" or "getDirectResults.maxRows"), written as text, <paramref name="equals"/> and/or
        /// <paramref name="contains"/> the given text. May be given several times (all must hold).
        /// </summary>
        public ScenarioBuilder WhenField(string path, string? equals = null, string? contains = null)
        {
            if (path == null) throw new ArgumentNullException(nameof(path));
            if (equals == null && contains == null) throw new ArgumentException("Give equals, contains or both.", nameof(equals));
            var field = new ThriftFieldMatch { Path = path };
            if (equals != null) field.Equals_ = equals;
            if (contains != null) field.Contains = contains;
            Match.ThriftFields.Add(field);
            return this;
        }

        /// <summary>Waits, then goes on with the next step (or forwards the request when it is the last).</summary>
        public ScenarioBuilder Delay(TimeSpan duration) => Then(new Step { Delay = new DelayStep { Duration = Duration.FromTimeSpan(duration) } });

        /// <summary>
        /// Answers with an HTTP status; the request never reaches the server. <paramref name="retryAfter"/> adds a
        /// <c>Retry-After</c> header in whole seconds (rounded up); <paramref name="headers"/> adds any others.
        /// </summary>
        public ScenarioBuilder Respond(
            int httpStatus,
            string? body = null,
            string? contentType = null,
            TimeSpan? retryAfter = null,
            IEnumerable<KeyValuePair<string, string>>? headers = null)
        {
            if (httpStatus < 0) throw new ArgumentOutOfRangeException(nameof(httpStatus), httpStatus, "must not be negative");
            var respond = new RespondStep { HttpStatus = (uint)httpStatus, Body = body ?? string.Empty, ContentType = contentType ?? string.Empty };
            if (headers != null)
            {
                foreach (var header in headers) respond.Headers[header.Key] = header.Value;
            }
            if (retryAfter.HasValue) respond.Headers["Retry-After"] = RetryAfterSeconds(retryAfter.Value);
            return Then(new Step { Respond = respond });
        }

        /// <summary>
        /// Answers a Thrift call with a Thrift REPLY (same method and seqid, in the caller's protocol) whose TStatus
        /// carries <paramref name="status"/>, <paramref name="message"/> and optionally a SQLSTATE and error code.
        /// </summary>
        public ScenarioBuilder ThriftError(string message, ThriftStatusCode status = ThriftStatusCode.Error, string? sqlState = null, int errorCode = 0) =>
            Then(new Step
            {
                ThriftError = new ThriftErrorStep
                {
                    StatusCode = (int)status,
                    ErrorMessage = message ?? throw new ArgumentNullException(nameof(message)),
                    SqlState = sqlState ?? string.Empty,
                    ErrorCode = errorCode,
                },
            });

        /// <summary>Answers a Thrift call with a Thrift EXCEPTION message: a TApplicationException of <paramref name="type"/>.</summary>
        public ScenarioBuilder ThriftApplicationException(string message, ThriftApplicationExceptionType type = ThriftApplicationExceptionType.InternalError) =>
            Then(new Step
            {
                ThriftError = new ThriftErrorStep
                {
                    ErrorMessage = message ?? throw new ArgumentNullException(nameof(message)),
                    ApplicationException = new ThriftApplicationException { Type = (int)type },
                },
            });

        /// <summary>Cuts the client's connection with a TCP reset (RST); no HTTP response.</summary>
        public ScenarioBuilder Reset() => Then(new Step { Reset = new ResetStep() });

        /// <summary>Closes the client's connection normally (FIN) without an answer.</summary>
        public ScenarioBuilder Close() => Then(new Step { Close = new CloseStep() });

        /// <summary>Holds the request, then forwards it; EnableScenarioAsync's duration overrides the hold time.</summary>
        public ScenarioBuilder Hold(TimeSpan duration) => Then(new Step { Hold = new HoldStep { Duration = Duration.FromTimeSpan(duration) } });

        /// <summary>Forwards the request to its server now (what happens after the last step anyway).</summary>
        public ScenarioBuilder Forward() => Then(new Step { Forward = new ForwardStep() });

        /// <summary>
        /// On the way back: passes the server's status and headers unchanged (Content-Length still promises the
        /// whole body), delivers only the first <paramref name="afterBytes"/> body bytes, then ends the client's
        /// connection (<see cref="ConnectionEnd.Reset"/>: RST once the client has them; <see cref="ConnectionEnd.Close"/>: FIN).
        /// </summary>
        public ScenarioBuilder TruncateResponse(long afterBytes, ConnectionEnd then = ConnectionEnd.Reset) =>
            Then(new Step { TruncateResponse = new TruncateResponseStep { AfterBytes = NonNegative(afterBytes, nameof(afterBytes)), Then = then } });

        /// <summary>Like <see cref="TruncateResponse"/>, cutting after <paramref name="percent"/> (1 to 99) of the body its Content-Length announces.</summary>
        public ScenarioBuilder TruncateResponseAtPercent(int percent, ConnectionEnd then = ConnectionEnd.Reset) =>
            Then(new Step { TruncateResponse = new TruncateResponseStep { AfterPercent = (uint)NonNegative(percent, nameof(percent)), Then = then } });

        /// <summary>On the way back: delivers the reply body at <paramref name="bytesPerSecond"/>.</summary>
        public ScenarioBuilder ThrottleResponse(long bytesPerSecond) =>
            Then(new Step { ThrottleResponse = new ThrottleResponseStep { BytesPerSecond = NonNegative(bytesPerSecond, nameof(bytesPerSecond)) } });

        /// <summary>On the way back: delivers <paramref name="afterBytes"/> of the body, pauses for <paramref name="duration"/>, then goes on.</summary>
        public ScenarioBuilder StallResponse(long afterBytes, TimeSpan duration) =>
            Then(new Step { StallResponse = new StallResponseStep { AfterBytes = NonNegative(afterBytes, nameof(afterBytes)), Duration = Duration.FromTimeSpan(duration) } });

        /// <summary>On the way back: flips every bit of <paramref name="length"/> body bytes from <paramref name="offset"/>; length and headers unchanged.</summary>
        public ScenarioBuilder CorruptResponse(long offset, long length) =>
            Then(new Step { CorruptResponse = new CorruptResponseStep { Offset = NonNegative(offset, nameof(offset)), Length = NonNegative(length, nameof(length)) } });

        /// <summary>
        /// On the way back: replaces the server's status (null keeps it) and adds or replaces headers (an empty
        /// value removes one); <paramref name="retryAfter"/> sets <c>Retry-After</c> in whole seconds. The body passes through.
        /// </summary>
        public ScenarioBuilder SetResponse(int? httpStatus = null, IEnumerable<KeyValuePair<string, string>>? headers = null, TimeSpan? retryAfter = null)
        {
            var set = new SetResponseStep { HttpStatus = httpStatus.HasValue ? (uint)NonNegative(httpStatus.Value, nameof(httpStatus)) : 0u };
            if (headers != null)
            {
                foreach (var header in headers) set.Headers[header.Key] = header.Value;
            }
            if (retryAfter.HasValue) set.Headers["Retry-After"] = RetryAfterSeconds(retryAfter.Value);
            return Then(new Step { SetResponse = set });
        }

        /// <summary>
        /// On the way back: sets a field of the server's Thrift REPLY by dotted path on the T&lt;Method&gt;Resp as
        /// Call.Reply shows it (e.g. "serverProtocolVersion", "status.statusCode",
        /// "results.resultLinks[*].expiryTime"); see <see cref="RewriteThriftReply(IEnumerable{KeyValuePair{string, object}})"/>
        /// for the values.
        /// </summary>
        public ScenarioBuilder RewriteThriftReply(string path, object? value) =>
            RewriteThriftReply(new[] { new KeyValuePair<string, object?>(path, value) });

        /// <summary>
        /// On the way back: sets fields of the server's Thrift REPLY, in order, re-encoded in the caller's protocol.
        /// Values: null removes the field; strings (also enum names, base64 for binary, decimal i64), booleans and
        /// numbers as they are (a long beyond 2^53 goes as a decimal string, losslessly); a
        /// <see cref="Value"/> as it is (structs as objects keyed by field name, lists as arrays).
        /// </summary>
        public ScenarioBuilder RewriteThriftReply(IEnumerable<KeyValuePair<string, object?>> fields)
        {
            if (fields == null) throw new ArgumentNullException(nameof(fields));
            var rewrite = new RewriteThriftReplyStep();
            foreach (var field in fields)
            {
                rewrite.Set.Add(new ThriftFieldSet { Path = field.Key ?? throw new ArgumentException("A field path is null.", nameof(fields)), Value = ToValue(field.Value) });
            }
            return Then(new Step { RewriteThriftReply = rewrite });
        }

        /// <summary>Adds a step as the generated message, for anything the helpers do not cover.</summary>
        public ScenarioBuilder Then(Step step)
        {
            definition.Steps.Add(step ?? throw new ArgumentNullException(nameof(step)));
            return this;
        }

        /// <summary>The definition built so far (a copy: the builder can go on).</summary>
        public ScenarioDefinition Build() => definition.Clone();

        /// <summary>Lets a builder be passed where a definition is expected.</summary>
        public static implicit operator ScenarioDefinition(ScenarioBuilder builder) =>
            (builder ?? throw new ArgumentNullException(nameof(builder))).Build();

        /// <summary>The definition as proto3 JSON, the shape grpcurl takes.</summary>
        public override string ToString() => definition.ToString();

        private ScenarioBuilder OnKind(CallKind kind, string[] methods)
        {
            if (methods == null) throw new ArgumentNullException(nameof(methods));
            if (Match.Kind != CallKind.Unspecified && Match.Kind != kind)
                throw new InvalidOperationException($"The match is already for {Match.Kind} traffic; a scenario matches one kind.");
            Match.Kind = kind;
            Match.Methods.AddRange(methods);
            return this;
        }

        private static ulong NonNegative(long value, string name)
        {
            if (value < 0) throw new ArgumentOutOfRangeException(name, value, "must not be negative");
            return (ulong)value;
        }

        private const long MaxExactDouble = 1L << 53;

        private static Value ToValue(object? value)
        {
            switch (value)
            {
                case null: return Value.ForNull();
                case Value already: return already;
                case string text: return Value.ForString(text);
                case bool flag: return Value.ForBool(flag);
                case byte[] bytes: return Value.ForString(Convert.ToBase64String(bytes));
                case long number when number > MaxExactDouble || number < -MaxExactDouble: return Value.ForString(number.ToString(CultureInfo.InvariantCulture));
                case ulong number when number > MaxExactDouble: return Value.ForString(number.ToString(CultureInfo.InvariantCulture));
                case IConvertible number when IsNumber(number): return Value.ForNumber(number.ToDouble(CultureInfo.InvariantCulture));
                default: throw new ArgumentException($"A {value.GetType().Name} cannot be a Thrift field value: give null, a string, a bool, a number, a byte[] or a Google.Protobuf Value.", nameof(value));
            }
        }

        private static bool IsNumber(IConvertible value)
        {
            switch (value.GetTypeCode())
            {
                case TypeCode.SByte: case TypeCode.Byte: case TypeCode.Int16: case TypeCode.UInt16: case TypeCode.Int32:
                case TypeCode.UInt32: case TypeCode.Int64: case TypeCode.UInt64: case TypeCode.Single: case TypeCode.Double: case TypeCode.Decimal:
                    return true;
                default:
                    return false;
            }
        }

        private static string RetryAfterSeconds(TimeSpan retryAfter)
        {
            if (retryAfter < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(retryAfter), retryAfter, "must not be negative");
            return ((long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }
    }

    /// <summary>TCLIService TStatusCode, for <see cref="ScenarioBuilder.ThriftError"/>.</summary>
    public enum ThriftStatusCode
    {
        /// <summary>SUCCESS_STATUS.</summary>
        Success = 0,
        /// <summary>SUCCESS_WITH_INFO_STATUS.</summary>
        SuccessWithInfo = 1,
        /// <summary>STILL_EXECUTING_STATUS.</summary>
        StillExecuting = 2,
        /// <summary>ERROR_STATUS.</summary>
        Error = 3,
        /// <summary>INVALID_HANDLE_STATUS.</summary>
        InvalidHandle = 4,
    }

    /// <summary>TApplicationException types, for <see cref="ScenarioBuilder.ThriftApplicationException"/>.</summary>
    public enum ThriftApplicationExceptionType
    {
        /// <summary>UNKNOWN.</summary>
        Unknown = 0,
        /// <summary>UNKNOWN_METHOD.</summary>
        UnknownMethod = 1,
        /// <summary>INVALID_MESSAGE_TYPE.</summary>
        InvalidMessageType = 2,
        /// <summary>WRONG_METHOD_NAME.</summary>
        WrongMethodName = 3,
        /// <summary>BAD_SEQUENCE_ID.</summary>
        BadSequenceId = 4,
        /// <summary>MISSING_RESULT.</summary>
        MissingResult = 5,
        /// <summary>INTERNAL_ERROR.</summary>
        InternalError = 6,
        /// <summary>PROTOCOL_ERROR.</summary>
        ProtocolError = 7,
        /// <summary>INVALID_TRANSFORM.</summary>
        InvalidTransform = 8,
        /// <summary>INVALID_PROTOCOL.</summary>
        InvalidProtocol = 9,
        /// <summary>UNSUPPORTED_CLIENT_TYPE.</summary>
        UnsupportedClientType = 10,
    }
}
