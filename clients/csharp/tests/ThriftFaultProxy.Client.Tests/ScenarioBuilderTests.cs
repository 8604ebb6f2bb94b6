using System;
using System.Collections.Generic;
using System.Linq;
using ThriftFaultProxy.V1;
using Xunit;

namespace ThriftFaultProxy.Client.Tests;

/// <summary>The builder writes exactly the proto fields the proxy reads; the proxy's own checks are tested in ScenarioDefinitionTests.</summary>
public sealed class ScenarioBuilderTests
{
    [Fact]
    public void Every_matcher_lands_in_its_Match_field()
    {
        ScenarioDefinition definition = Scenario.Named("every_matcher")
            .Describe("all of them")
            .OnThrift("FetchResults", "GetOperationStatus")
            .WhenHost("*.azuredatabricks.net")
            .WhenPath("/sql/1.0/warehouses/*")
            .WhenHttpMethod("POST")
            .WhenHeader("X-Trace", "abc")
            .WhenField("maxRows", equals: "100")
            .WhenField("statement", contains: "range(")
            .Forward();

        Assert.Equal("every_matcher", definition.Name);
        Assert.Equal("all of them", definition.Description);
        var match = definition.Match;
        Assert.Equal(CallKind.Thrift, match.Kind);
        Assert.Equal(["FetchResults", "GetOperationStatus"], match.Methods);
        Assert.Equal("*.azuredatabricks.net", match.Host);
        Assert.Equal("/sql/1.0/warehouses/*", match.Path);
        Assert.Equal("POST", match.HttpMethod);
        Assert.Equal(new HeaderMatch { Name = "X-Trace", Value = "abc" }, match.Header);
        Assert.Equal(2, match.ThriftFields.Count);
        Assert.True(match.ThriftFields[0].HasEquals_);
        Assert.Equal("100", match.ThriftFields[0].Equals_);
        Assert.False(match.ThriftFields[0].HasContains);
        Assert.False(match.ThriftFields[1].HasEquals_);
        Assert.Equal("range(", match.ThriftFields[1].Contains);
    }

    [Fact]
    public void Kinds_methods_and_header_presence()
    {
        Assert.Equal(CallKind.CloudFetch, Scenario.Named("a").OnCloudFetch().Reset().Build().Match.Kind);
        var http = Scenario.Named("b").OnHttp("POST", "/oidc/v1/token").Close().Build().Match;
        Assert.Equal((CallKind.Http, "POST", "/oidc/v1/token"), (http.Kind, http.HttpMethod, http.Path));
        var methods = Scenario.Named("c").OnMethods("CloudFetchDownload", "POST /oidc/v1/token").Reset().Build().Match;
        Assert.Equal(CallKind.Unspecified, methods.Kind);
        Assert.Equal(["CloudFetchDownload", "POST /oidc/v1/token"], methods.Methods);
        Assert.Equal(string.Empty, Scenario.Named("d").WhenHeader("Authorization").Reset().Build().Match.Header.Value);
        // No condition at all: the definition carries no match, which the proxy reads as "every request".
        Assert.Null(Scenario.Named("e").Reset().Build().Match);
    }

    [Fact]
    public void Every_request_side_step_kind_in_order()
    {
        var steps = Scenario.Named("every_step")
            .Delay(TimeSpan.FromMilliseconds(1500))
            .Hold(TimeSpan.FromSeconds(2))
            .Respond(503, body: "busy", contentType: "application/json", retryAfter: TimeSpan.FromMilliseconds(2500),
                     headers: new Dictionary<string, string> { ["X-Request-Id"] = "r1" })
            .ThriftError("[TABLE_OR_VIEW_NOT_FOUND] no such table", ThriftStatusCode.InvalidHandle, sqlState: "42P01", errorCode: 7)
            .ThriftApplicationException("boom", ThriftApplicationExceptionType.ProtocolError)
            .Reset()
            .Close()
            .Forward()
            .Build().Steps;

        Assert.Equal(
            [Step.KindOneofCase.Delay, Step.KindOneofCase.Hold, Step.KindOneofCase.Respond, Step.KindOneofCase.ThriftError,
             Step.KindOneofCase.ThriftError, Step.KindOneofCase.Reset, Step.KindOneofCase.Close, Step.KindOneofCase.Forward],
            steps.Select(s => s.KindCase));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), steps[0].Delay.Duration.ToTimeSpan());
        Assert.Equal(TimeSpan.FromSeconds(2), steps[1].Hold.Duration.ToTimeSpan());
        var respond = steps[2].Respond;
        Assert.Equal((503u, "busy", "application/json"), (respond.HttpStatus, respond.Body, respond.ContentType));
        // Retry-After is whole seconds, rounded up.
        Assert.Equal(new Dictionary<string, string> { ["Retry-After"] = "3", ["X-Request-Id"] = "r1" }, respond.Headers.OrderBy(h => h.Key).ToDictionary());
        var error = steps[3].ThriftError;
        Assert.Equal((4, "[TABLE_OR_VIEW_NOT_FOUND] no such table", "42P01", 7), (error.StatusCode, error.ErrorMessage, error.SqlState, error.ErrorCode));
        Assert.Null(error.ApplicationException);
        var exception = steps[4].ThriftError;
        Assert.Equal(("boom", 7), (exception.ErrorMessage, exception.ApplicationException.Type));
    }

    [Fact]
    public void Every_response_side_step_kind_in_order()
    {
        var steps = Scenario.Named("every_reply_step")
            .TruncateResponse(1000, ConnectionEnd.Close)
            .TruncateResponseAtPercent(50)
            .ThrottleResponse(65536)
            .StallResponse(100, TimeSpan.FromMilliseconds(750))
            .CorruptResponse(offset: 10, length: 2)
            .SetResponse(502, headers: new Dictionary<string, string> { ["Content-Length"] = "" }, retryAfter: TimeSpan.FromSeconds(1))
            .SetResponse(headers: new Dictionary<string, string> { ["X-A"] = "b" })
            .RewriteThriftReply("serverProtocolVersion", "SPARK_CLI_SERVICE_PROTOCOL_V1")
            .RewriteThriftReply(new Dictionary<string, object?>
            {
                ["status.statusCode"] = 3,
                ["status.errorMessage"] = "rewritten",
                ["directResults.resultSet.hasMoreRows"] = true,
                ["results.resultLinks[*].expiryTime"] = 1L << 60,
                ["results.startRowOffset"] = 42L,
                ["status.sqlState"] = null,
                ["operationHandle.operationId.guid"] = new byte[] { 1, 2, 3 },
            })
            .Build().Steps;

        Assert.Equal(
            [Step.KindOneofCase.TruncateResponse, Step.KindOneofCase.TruncateResponse, Step.KindOneofCase.ThrottleResponse, Step.KindOneofCase.StallResponse,
             Step.KindOneofCase.CorruptResponse, Step.KindOneofCase.SetResponse, Step.KindOneofCase.SetResponse, Step.KindOneofCase.RewriteThriftReply,
             Step.KindOneofCase.RewriteThriftReply],
            steps.Select(s => s.KindCase));
        Assert.Equal((1000ul, 0u, ConnectionEnd.Close), (steps[0].TruncateResponse.AfterBytes, steps[0].TruncateResponse.AfterPercent, steps[0].TruncateResponse.Then));
        Assert.Equal((0ul, 50u, ConnectionEnd.Reset), (steps[1].TruncateResponse.AfterBytes, steps[1].TruncateResponse.AfterPercent, steps[1].TruncateResponse.Then));
        Assert.Equal(65536ul, steps[2].ThrottleResponse.BytesPerSecond);
        Assert.Equal((100ul, TimeSpan.FromMilliseconds(750)), (steps[3].StallResponse.AfterBytes, steps[3].StallResponse.Duration.ToTimeSpan()));
        Assert.Equal((10ul, 2ul), (steps[4].CorruptResponse.Offset, steps[4].CorruptResponse.Length));
        Assert.Equal(502u, steps[5].SetResponse.HttpStatus);
        Assert.Equal(new Dictionary<string, string> { ["Content-Length"] = "", ["Retry-After"] = "1" }, steps[5].SetResponse.Headers.OrderBy(h => h.Key).ToDictionary());
        Assert.Equal(0u, steps[6].SetResponse.HttpStatus);
        var single = Assert.Single(steps[7].RewriteThriftReply.Set);
        Assert.Equal(("serverProtocolVersion", "SPARK_CLI_SERVICE_PROTOCOL_V1"), (single.Path, single.Value.StringValue));
        var set = steps[8].RewriteThriftReply.Set;
        Assert.Equal(["status.statusCode", "status.errorMessage", "directResults.resultSet.hasMoreRows", "results.resultLinks[*].expiryTime",
                      "results.startRowOffset", "status.sqlState", "operationHandle.operationId.guid"], set.Select(f => f.Path));
        Assert.Equal(3, set[0].Value.NumberValue);
        Assert.Equal("rewritten", set[1].Value.StringValue);
        Assert.True(set[2].Value.BoolValue);
        // An i64 past 2^53 goes as a decimal string, so no digit is lost on the way.
        Assert.Equal((1L << 60).ToString(System.Globalization.CultureInfo.InvariantCulture), set[3].Value.StringValue);
        Assert.Equal(42, set[4].Value.NumberValue);
        Assert.Equal(Google.Protobuf.WellKnownTypes.Value.KindOneofCase.NullValue, set[5].Value.KindCase);
        Assert.Equal("AQID", set[6].Value.StringValue);
        Assert.Throws<ArgumentException>(() => Scenario.Named("x").RewriteThriftReply("status", new object()));
        Assert.Throws<ArgumentOutOfRangeException>(() => Scenario.Named("x").TruncateResponse(-1));
    }

    [Fact]
    public void Defaults_leave_fields_at_zero_for_the_proxy_to_default()
    {
        var respond = Scenario.Named("r").Respond(500).Build().Steps.Single().Respond;
        Assert.Equal((500u, "", ""), (respond.HttpStatus, respond.Body, respond.ContentType));
        Assert.Empty(respond.Headers);
        var error = Scenario.Named("t").ThriftError("failed").Build().Steps.Single().ThriftError;
        Assert.Equal((3, "", 0), (error.StatusCode, error.SqlState, error.ErrorCode));
    }

    [Fact]
    public void Build_returns_a_copy_and_the_builder_converts_implicitly()
    {
        var builder = Scenario.Named("copy").OnCloudFetch().Reset();
        var first = builder.Build();
        builder.Delay(TimeSpan.FromSeconds(1));
        Assert.Single(first.Steps);
        ScenarioDefinition converted = builder;
        Assert.Equal(2, converted.Steps.Count);
        Assert.Contains("\"copy\"", builder.ToString());
    }

    [Fact]
    public void Contradictions_the_builder_can_see_are_refused_at_once()
    {
        Assert.Throws<InvalidOperationException>(() => Scenario.Named("x").OnThrift().OnCloudFetch());
        Assert.Throws<InvalidOperationException>(() => Scenario.Named("x").WhenHeader("A").WhenHeader("B"));
        Assert.Throws<ArgumentException>(() => Scenario.Named("x").WhenField("statement"));
        Assert.Throws<ArgumentOutOfRangeException>(() => Scenario.Named("x").Respond(429, retryAfter: TimeSpan.FromSeconds(-1)));
        Assert.Throws<ArgumentNullException>(() => Scenario.Named(null!));
    }
}
