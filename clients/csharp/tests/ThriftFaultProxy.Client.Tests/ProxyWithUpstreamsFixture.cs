using System;
using System.Net.Http;
using System.Threading.Tasks;
using ThriftFaultProxy.Client.Tests.Thrift;
using ThriftFaultProxy.Client.Tests.Upstreams;
using ThriftFaultProxy.Testing;
using Xunit;

namespace ThriftFaultProxy.Client.Tests;

/// <summary>
/// One real proxy for the "proxy" collection, with real upstreams: cloud-looking host names are mapped to the
/// test's Kestrel servers, and the proxy verifies the HTTPS upstream against the test's own CA.
/// </summary>
public sealed class ProxyWithUpstreamsFixture : ProxyFixture
{
    /// <summary>Counts as CloudFetch (host contains blob.core.windows.net); served by <see cref="UpstreamServers"/>.</summary>
    public const string StorageHost = "fake.blob.core.windows.net";

    /// <summary>A Databricks-looking workspace host for the Thrift endpoint.</summary>
    public const string WorkspaceHost = "adb-1234567890123456.7.azuredatabricks.net";

    public const string WarehousePath = "/sql/1.0/warehouses/x";

    private TestCertificateAuthority? upstreamAuthority;
    private UpstreamServers? upstreams;
    private HttpClientHandler? handler;

    public UpstreamServers Upstreams => upstreams ?? throw new InvalidOperationException("not initialized");

    /// <summary>Sends through the proxy and trusts only the proxy's CA; shared by the tests, never disposed by them.</summary>
    public HttpMessageHandler ProxiedHandler => handler ?? throw new InvalidOperationException("not initialized");

    public Uri WarehouseEndpoint => new($"http://{WorkspaceHost}{WarehousePath}");

    /// <summary>A presigned-looking storage URL whose query carries secrets the proxy must redact.</summary>
    public static Uri PresignedUrl(string blob, string signature) =>
        new($"https://{StorageHost}/results/{blob}?sv=2023-11-03&se=2030-01-01T00%3A00%3A00Z&sr=b&sp=r&sig={signature}");

    public HttpClient CreateHttpClient() => new(ProxiedHandler, disposeHandler: false) { Timeout = TimeSpan.FromSeconds(30) };

    public TcliClient CreateTcliClient() => new(ProxiedHandler, WarehouseEndpoint);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        handler = Proxy.CreateHttpClientHandler();
    }

    public override async Task DisposeAsync()
    {
        handler?.Dispose();
        await base.DisposeAsync();
        if (upstreams != null) await upstreams.DisposeAsync();
        upstreamAuthority?.Dispose();
    }

    protected override async Task<ProxyProcessOptions> CreateOptionsAsync()
    {
        upstreamAuthority = new TestCertificateAuthority("thrift-fault-proxy C# tests upstream CA");
        upstreams = await UpstreamServers.StartAsync(upstreamAuthority.IssueServerCertificate(StorageHost));
        var options = new ProxyProcessOptions();
        options.HostMappings[StorageHost] = $"127.0.0.1:{upstreams.StoragePort}";
        options.HostMappings[WorkspaceHost] = $"127.0.0.1:{upstreams.ThriftPort}";
        options.UpstreamCaFiles.Add(upstreamAuthority.PemPath);
        return options;
    }
}

[CollectionDefinition(Name)]
public sealed class ProxyCollection : ICollectionFixture<ProxyWithUpstreamsFixture>
{
    public const string Name = "proxy with upstreams";
}
