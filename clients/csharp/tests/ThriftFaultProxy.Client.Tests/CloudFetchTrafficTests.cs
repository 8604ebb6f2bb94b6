using System;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using ThriftFaultProxy.Client.Tests.Upstreams;
using ThriftFaultProxy.Testing;
using ThriftFaultProxy.V1;
using Xunit;

namespace ThriftFaultProxy.Client.Tests;

/// <summary>Real HTTPS downloads from C# through the proxy to the test's storage upstream, with scenarios.</summary>
[Collection(ProxyCollection.Name)]
public sealed class CloudFetchTrafficTests(ProxyWithUpstreamsFixture fixture) : IAsyncLifetime
{
    private ProxyControlClient Control => fixture.Control;

    public Task InitializeAsync() => fixture.ResetAsync();

    public Task DisposeAsync() => fixture.ResetAsync();

    [Fact]
    public async Task A_download_passes_through_untouched_and_is_recorded_without_its_signature()
    {
        var signature = "Sig" + Guid.NewGuid().ToString("N");
        await using var calls = await Control.SubscribeAsync(new CallWatchOptions { Kind = CallKind.CloudFetch });
        using var http = fixture.CreateHttpClient();

        var response = await http.GetAsync(ProxyWithUpstreamsFixture.PresignedUrl("chunk-0.arrow", signature));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(UpstreamServers.BlobContent("/results/chunk-0.arrow"), body);
        Assert.Contains(fixture.Upstreams.DownloadsReceived, path => path.Contains(signature, StringComparison.Ordinal));

        var call = Assert.Single(await calls.WaitForCallsAsync("CloudFetchDownload", completed: true, timeout: Waits.Event));
        Assert.Equal(CallKind.CloudFetch, call.Kind);
        Assert.Equal(CallState.Completed, call.State);
        Assert.Equal(ProxyWithUpstreamsFixture.StorageHost, call.Host);
        Assert.Equal("GET", call.HttpMethod);
        Assert.Equal(200u, call.HttpStatus);
        Assert.Equal((ulong)body.Length, call.ResponseBytes);
        Assert.StartsWith("/results/chunk-0.arrow?", call.Path);
        Assert.DoesNotContain(signature, call.ToString());
        Assert.DoesNotContain(calls.Events, e => e.ToString().Contains(signature, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cloudfetch_503_with_skip_1_and_times_2_fails_the_second_and_third_download()
    {
        var before = await Control.GetScenarioAsync("cloudfetch_503");
        await Control.EnableScenarioAsync("cloudfetch_503", times: 2, skip: 1);
        await using var calls = await Control.SubscribeAsync(new CallWatchOptions { Method = "CloudFetchDownload" });
        using var http = fixture.CreateHttpClient();

        var statuses = new (int, bool)[4];
        for (var i = 0; i < statuses.Length; i++)
        {
            var response = await http.GetAsync(ProxyWithUpstreamsFixture.PresignedUrl($"retry-{i}.arrow", $"sig{i}"));
            statuses[i] = ((int)response.StatusCode, response.IsSuccessStatusCode);
        }

        Assert.Equal([(200, true), (503, false), (503, false), (200, true)], statuses);
        var recorded = await calls.WaitForCallsAsync(count: 4, completed: true, timeout: Waits.Event);
        Assert.Equal(["", "cloudfetch_503", "cloudfetch_503", ""], recorded.Select(c => c.Scenario));
        Assert.Equal([200u, 503u, 503u, 200u], recorded.Select(c => c.HttpStatus));
        var after = await Control.GetScenarioAsync("cloudfetch_503");
        Assert.False(after.Enabled);
        Assert.Equal(before.FiredCount + 2, after.FiredCount);
    }

    [Fact]
    public async Task Connection_reset_fails_the_download_without_a_response()
    {
        await Control.EnableScenarioAsync("cloudfetch_connection_reset");
        await using var calls = await Control.SubscribeAsync();
        using var http = fixture.CreateHttpClient();

        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(ProxyWithUpstreamsFixture.PresignedUrl("reset.arrow", "sig-reset")));

        var call = await calls.WaitForCallAsync(c => c.State == CallState.Failed, "a failed download", Waits.Event);
        Assert.Equal("cloudfetch_connection_reset", call.Scenario);
        Assert.NotEmpty(call.Error);
        Assert.Equal(0u, call.HttpStatus);
    }

    [Fact]
    public async Task A_hold_keeps_the_download_in_flight_until_its_duration_has_passed()
    {
        var hold = TimeSpan.FromMilliseconds(1500);
        await Control.EnableScenarioAsync("cloudfetch_timeout", duration: hold);
        await using var calls = await Control.SubscribeAsync(new CallWatchOptions { Method = "CloudFetchDownload" });
        using var http = fixture.CreateHttpClient();
        var clock = Stopwatch.StartNew();

        var download = http.GetAsync(ProxyWithUpstreamsFixture.PresignedUrl("held.arrow", "sig-held"));
        var started = Assert.Single(await calls.WaitForCallsAsync(timeout: Waits.Event));

        Assert.Equal(CallState.InFlight, started.State);
        Assert.False(download.IsCompleted);
        var response = await download;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(clock.Elapsed >= hold - TimeSpan.FromMilliseconds(50), $"answered after {clock.Elapsed}");
        var completed = Assert.Single(await calls.WaitForCallsAsync(completed: true, timeout: Waits.Event));
        Assert.Equal("cloudfetch_timeout", completed.Scenario);
        Assert.True(completed.Duration.ToTimeSpan() >= hold - TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public async Task The_certificate_check_trusts_the_proxy_CA_only()
    {
        using var otherAuthority = new TestCertificateAuthority("not the proxy CA");
        var strangerValidator = new ProxyCertificateValidator(otherAuthority.Certificate);
        using var handler = new HttpClientHandler
        {
            Proxy = fixture.Proxy.CreateWebProxy(),
            ServerCertificateCustomValidationCallback = strangerValidator.HttpClientCallback,
        };
        using var http = new HttpClient(handler);

        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(ProxyWithUpstreamsFixture.PresignedUrl("untrusted.arrow", "sig-u")));

        using var trusted = fixture.CreateHttpClient();
        (await trusted.GetAsync(ProxyWithUpstreamsFixture.PresignedUrl("trusted.arrow", "sig-t"))).EnsureSuccessStatusCode();
    }
}
