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
}
