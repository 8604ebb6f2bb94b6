using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using ThriftFaultProxy.Client.Tests.Thrift;
using ThriftFaultProxy.Testing;
using ThriftFaultProxy.V1;
using Xunit;

namespace ThriftFaultProxy.Client.Tests;

/// <summary>WarehouseConnectionProperties(): everything a driver needs to query the fake warehouse through the proxy.</summary>
public sealed class WarehouseConnectionPropertiesTests(FakeWarehouseProxyFixture fixture) : IClassFixture<FakeWarehouseProxyFixture>
{
    [Fact]
    public void Holds_the_proxy_and_TLS_properties_and_the_warehouse_s_address_path_and_token()
    {
        var properties = fixture.Proxy.WarehouseConnectionProperties();
        var warehouse = fixture.Warehouse;

        foreach (var (key, value) in fixture.Proxy.AdbcConnectionProperties()) Assert.Equal(value, properties[key]);
        Assert.Equal(warehouse.Host, properties["adbc.spark.host"]);
        Assert.Equal("443", properties["adbc.spark.port"]);
        Assert.Equal(warehouse.Path, properties["adbc.spark.path"]);
        Assert.Equal("token", properties["adbc.spark.auth_type"]);
        Assert.Equal(warehouse.Token, properties["adbc.spark.token"]);
        Assert.Equal("thrift", properties["adbc.databricks.protocol"]);
        Assert.Equal(fixture.Proxy.AdbcConnectionProperties().Count + 6, properties.Count);
        // A fresh dictionary each time: a test may change its copy.
        properties["adbc.spark.port"] = "1";
        Assert.Equal("443", fixture.WarehouseConnectionProperties()["adbc.spark.port"]);
    }

    [Fact]
    public async Task Are_enough_to_query_the_fake_warehouse_and_reach_its_storage_through_the_proxy()
    {
        var properties = fixture.Proxy.WarehouseConnectionProperties();
        await using var calls = await fixture.Control.SubscribeAsync();
        using var handler = AdbcPropertiesHttpClient.CreateHandler(properties);
        var tcli = new TcliClient(handler, AdbcPropertiesHttpClient.WarehouseUri(properties), properties["adbc.spark.token"]);

        var session = await tcli.OpenSessionAsync("token", properties["adbc.spark.token"]);
        var statement = await tcli.ExecuteStatementAsync(session.SessionGuid!, session.SessionSecret!, "SELECT 1");
        Assert.Equal(TcliProtocol.StatusSuccess, session.StatusCode);
        Assert.Equal(TcliProtocol.StatusSuccess, statement.StatusCode);

        // The driver's CloudFetch downloads go through the same proxy and TLS settings: an unsigned GET reaches the
        // fake storage (its Azure-style 403), over TLS validated against the proxy's CA, and counts as a download.
        using var http = new HttpClient(handler, disposeHandler: false);
        using var download = await http.GetAsync($"https://{DefaultStorageHost}/dbsql-results/00000000-0000-4000-8000-000000000000/part-0-1.arrow");
        Assert.Equal(HttpStatusCode.Forbidden, download.StatusCode);
        Assert.Contains("<Code>AuthenticationFailed</Code>", await download.Content.ReadAsStringAsync());

        var recorded = await calls.WaitForCallsAsync(count: 3, completed: true, timeout: Waits.Event);
        Assert.Equal(["OpenSession", "ExecuteStatement", "CloudFetchDownload"], recorded.Select(c => c.Method));
        Assert.Equal(CallKind.CloudFetch, recorded[2].Kind);
    }

    [Fact]
    public async Task Without_the_fake_warehouse_says_how_to_start_it()
    {
        await using var proxy = await ProxyProcess.StartAsync();

        var error = Assert.Throws<InvalidOperationException>(() => proxy.WarehouseConnectionProperties());

        Assert.Contains("FakeWarehouse = true", error.Message);
    }

    private const string DefaultStorageHost = "fakeaccount.blob.core.windows.net";
}
