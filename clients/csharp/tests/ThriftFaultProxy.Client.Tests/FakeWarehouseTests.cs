using System;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using ThriftFaultProxy.Client.Tests.Thrift;
using ThriftFaultProxy.Testing;
using ThriftFaultProxy.V1;
using Xunit;

namespace ThriftFaultProxy.Client.Tests;

/// <summary>The fixture with --fake-warehouse: a Thrift session over HTTPS through the proxy, no upstream of our own.</summary>
public sealed class FakeWarehouseTests(FakeWarehouseProxyFixture fixture) : IClassFixture<FakeWarehouseProxyFixture>
{
    [Fact]
    public async Task The_ready_line_describes_the_fake_warehouse_that_GetProxyInfo_reports()
    {
        var warehouse = fixture.Warehouse;
        var info = await fixture.Control.GetProxyInfoAsync();

        Assert.Equal(warehouse.Host, info.FakeWarehouse.Host);
        Assert.Equal(warehouse.Port, (int)info.FakeWarehouse.Port);
        Assert.Equal(warehouse.Path, info.FakeWarehouse.Path);
        Assert.StartsWith("/sql/1.0/warehouses/", warehouse.Path);
        Assert.False(string.IsNullOrEmpty(warehouse.Token));
        Assert.DoesNotContain(warehouse.Token, warehouse.ToString());
    }

    [Fact]
    public async Task A_session_against_the_fake_warehouse_is_recorded_without_the_token()
    {
        var warehouse = fixture.Warehouse;
        await using var calls = await fixture.Control.SubscribeAsync(new CallWatchOptions { Kind = CallKind.Thrift });
        using var handler = fixture.Proxy.CreateHttpClientHandler();
        var tcli = new TcliClient(handler, new Uri($"https://{warehouse.Host}:{warehouse.Port}{warehouse.Path}"), warehouse.Token);

        var session = await tcli.OpenSessionAsync("token", warehouse.Token);
        var statement = await tcli.ExecuteStatementAsync(session.SessionGuid!, session.SessionSecret!, "SELECT 1");

        Assert.Equal(TcliProtocol.StatusSuccess, session.StatusCode);
        Assert.Equal(TcliProtocol.StatusSuccess, statement.StatusCode);
        var recorded = await calls.WaitForCallsAsync(count: 2, completed: true, timeout: Waits.Event);
        Assert.Equal(["OpenSession", "ExecuteStatement"], recorded.Select(c => c.Method));
        Assert.All(recorded, c => Assert.DoesNotContain(warehouse.Token, c.ToString()));
    }

    [Fact]
    public async Task By_default_a_small_result_comes_inline()
    {
        var reply = await ExecuteRangeAsync(fixture.Proxy, rows: 10);

        Assert.Equal("ARROW_BASED_SET", ResultFormat(reply));
        Assert.False(reply.Fields["directResults"].StructValue.Fields["resultSet"].StructValue.Fields["results"].StructValue.Fields.ContainsKey("resultLinks"));
    }

    [Fact]
    public async Task FakeCloudFetchThresholdRows_and_FakeRowsPerFile_make_a_small_result_come_as_CloudFetch_links()
    {
        var options = new ProxyProcessOptions { FakeWarehouse = true, FakeCloudFetchThresholdRows = 5, FakeRowsPerFile = 4 };
        await using var proxy = await ProxyProcess.StartAsync(options);

        var reply = await ExecuteRangeAsync(proxy, rows: 10);

        Assert.Equal("URL_BASED_SET", ResultFormat(reply));
        var links = reply.Fields["directResults"].StructValue.Fields["resultSet"].StructValue.Fields["results"].StructValue.Fields["resultLinks"].ListValue.Values;
        // 10 rows in files of 4: rows 0-3, 4-7, 8-9.
        Assert.Equal([4.0, 4.0, 2.0], links.Select(l => NumberOf(l.StructValue.Fields["rowCount"])));
    }

    [Fact]
    public async Task FakeLinksPerFetch_and_FakeExecutionDelay_limit_the_links_per_reply_and_make_statements_run_that_long()
    {
        var delay = TimeSpan.FromMilliseconds(400);
        var options = new ProxyProcessOptions
        {
            FakeWarehouse = true, FakeCloudFetchThresholdRows = 5, FakeRowsPerFile = 4, FakeLinksPerFetch = 1, FakeExecutionDelay = delay,
        };
        await using var proxy = await ProxyProcess.StartAsync(options);

        var (reply, duration) = await ExecuteRangeWithDurationAsync(proxy, rows: 10);

        // Three files (4, 4, 2 rows), but one link per reply: the rest are for FetchResults.
        var resultSet = reply.Fields["directResults"].StructValue.Fields["resultSet"].StructValue;
        var link = Assert.Single(resultSet.Fields["results"].StructValue.Fields["resultLinks"].ListValue.Values);
        Assert.Equal(4.0, NumberOf(link.StructValue.Fields["rowCount"]));
        Assert.True(resultSet.Fields["hasMoreRows"].BoolValue);
        // Without runAsync, ExecuteStatement returns only once the statement has run (a lower bound only).
        Assert.True(duration >= delay - TimeSpan.FromMilliseconds(20), $"ExecuteStatement took {duration.TotalMilliseconds} ms");
    }

    [Fact]
    public void FakeLinksPerFetch_FakeExecutionDelay_and_FakeLz4Compression_become_their_flags()
    {
        var options = new ProxyProcessOptions { FakeLinksPerFetch = 2, FakeExecutionDelay = TimeSpan.FromMilliseconds(250.2) };

        var arguments = ProxyArguments.Build("cli.js", options, "ca").ToList();

        Assert.Equal("2", arguments[arguments.IndexOf("--fake-links-per-fetch") + 1]);
        Assert.Equal("251", arguments[arguments.IndexOf("--fake-execution-delay-ms") + 1]);
        Assert.DoesNotContain("--fake-execution-delay-ms", ProxyArguments.Build("cli.js", new ProxyProcessOptions(), "ca"));
        Assert.DoesNotContain("--fake-no-lz4", ProxyArguments.Build("cli.js", new ProxyProcessOptions(), "ca"));
        Assert.Contains("--fake-no-lz4", ProxyArguments.Build("cli.js", new ProxyProcessOptions { FakeLz4Compression = false }, "ca"));
    }

    [Fact]
    public async Task A_fake_warehouse_setting_without_the_fake_warehouse_is_refused_with_the_proxy_s_reason()
    {
        var error = await Assert.ThrowsAsync<ProxyStartException>(() => ProxyProcess.StartAsync(new ProxyProcessOptions { FakeLinkLifetime = TimeSpan.FromSeconds(1) }));

        Assert.Contains("--fake-link-lifetime-ms", error.Message);
        Assert.Contains("--fake-warehouse", error.Message);
    }

    /// <summary>OpenSession, then SELECT * FROM range(rows) with CloudFetch allowed and direct results; the proxy's decoded reply.</summary>
    private static async Task<Google.Protobuf.WellKnownTypes.Struct> ExecuteRangeAsync(ProxyProcess proxy, int rows) =>
        (await ExecuteRangeWithDurationAsync(proxy, rows)).Reply;

    /// <summary>As <see cref="ExecuteRangeAsync"/>, with the ExecuteStatement call's duration as the proxy recorded it.</summary>
    private static async Task<(Google.Protobuf.WellKnownTypes.Struct Reply, TimeSpan Duration)> ExecuteRangeWithDurationAsync(ProxyProcess proxy, int rows)
    {
        var warehouse = proxy.Warehouse!;
        await using var calls = await proxy.Control.SubscribeAsync(new CallWatchOptions { Method = "ExecuteStatement" });
        using var handler = proxy.CreateHttpClientHandler();
        var tcli = new TcliClient(handler, new Uri($"https://{warehouse.Host}:{warehouse.Port}{warehouse.Path}"), warehouse.Token);
        var session = await tcli.OpenSessionAsync("token", warehouse.Token);

        var statement = await tcli.ExecuteStatementAsync(session.SessionGuid!, session.SessionSecret!, $"SELECT * FROM range({rows})",
                                                         canDownloadResult: true, directResultsMaxRows: 1000);

        Assert.Equal(TcliProtocol.StatusSuccess, statement.StatusCode);
        var call = Assert.Single(await calls.WaitForCallsAsync(completed: true, timeout: Waits.Event));
        return (call.Reply, call.Duration.ToTimeSpan());
    }

    private static string ResultFormat(Google.Protobuf.WellKnownTypes.Struct reply) =>
        reply.Fields["directResults"].StructValue.Fields["resultSetMetadata"].StructValue.Fields["resultFormat"].StringValue;

    // The proxy renders i64 values as numbers, or as strings when they do not fit a double exactly.
    private static double NumberOf(Google.Protobuf.WellKnownTypes.Value value) =>
        value.KindCase == Google.Protobuf.WellKnownTypes.Value.KindOneofCase.StringValue
            ? double.Parse(value.StringValue, System.Globalization.CultureInfo.InvariantCulture)
            : value.NumberValue;
}
