using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ThriftFaultProxy.Client.Tests.Upstreams;

/// <summary>
/// The real servers behind the proxy in these tests, on 127.0.0.1 ephemeral ports (Kestrel): a plain-HTTP Thrift
/// endpoint at /sql/1.0/warehouses/{id} and an HTTPS "cloud storage" that serves presigned-URL GETs.
/// </summary>
public sealed class UpstreamServers : IAsyncDisposable
{
    private readonly WebApplication app;

    private UpstreamServers(WebApplication app, int thriftPort, int storagePort)
    {
        this.app = app;
        ThriftPort = thriftPort;
        StoragePort = storagePort;
    }

    /// <summary>Port of the plain-HTTP Thrift endpoint.</summary>
    public int ThriftPort { get; }

    /// <summary>Port of the HTTPS storage endpoint.</summary>
    public int StoragePort { get; }

    /// <summary>Thrift methods that reached the upstream (scenarios that answer themselves never get here).</summary>
    public ConcurrentQueue<string> ThriftMethodsReceived { get; } = new();

    /// <summary>Paths (with query) of the downloads that reached the storage.</summary>
    public ConcurrentQueue<string> DownloadsReceived { get; } = new();

    /// <summary>The bytes every download returns for a blob path.</summary>
    public static byte[] BlobContent(string path) =>
        Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat($"arrow-ipc-stand-in {path};", 512)));

    public static async Task<UpstreamServers> StartAsync(X509Certificate2 storageCertificate)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(storageCertificate));
        });
        var app = builder.Build();
        UpstreamServers? servers = null;

        app.MapPost("/sql/1.0/warehouses/{id}", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            var (method, reply) = await TcliUpstreamResponder.ReplyAsync(body.ToArray(), context.RequestAborted);
            servers!.ThriftMethodsReceived.Enqueue(method);
            context.Response.ContentType = "application/x-thrift";
            context.Response.ContentLength = reply.Length;
            await context.Response.Body.WriteAsync(reply, context.RequestAborted);
        });
        app.MapGet("/{**blob}", async (HttpContext context) =>
        {
            servers!.DownloadsReceived.Enqueue(context.Request.Path + context.Request.QueryString);
            var content = BlobContent(context.Request.Path);
            context.Response.ContentType = "application/octet-stream";
            context.Response.ContentLength = content.Length;
            await context.Response.Body.WriteAsync(content, context.RequestAborted);
        });

        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(address => new Uri(address))
            .ToList();
        var thriftPort = addresses.Single(a => a.Scheme == Uri.UriSchemeHttp).Port;
        var storagePort = addresses.Single(a => a.Scheme == Uri.UriSchemeHttps).Port;
        servers = new UpstreamServers(app, thriftPort, storagePort);
        return servers;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
