using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Grpc.Core;
using ThriftFaultProxy.Testing;
using Xunit;

namespace ThriftFaultProxy.Client.Tests;

/// <summary>Starting and stopping the proxy process, and the errors a person gets when something is missing.</summary>
public sealed class ProxyProcessTests
{
    [Fact]
    public async Task A_repository_without_a_build_names_the_missing_cli_and_the_build_command()
    {
        var root = CreateFakeRepository();
        try
        {
            var error = await Assert.ThrowsAsync<ProxyStartException>(() => ProxyProcess.StartAsync(new ProxyProcessOptions { RepositoryRoot = root }));

            Assert.Contains(Path.Combine(root, "dist", "src", "cli.js"), error.Message);
            Assert.Contains("npm run build", error.Message);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task A_missing_node_is_named()
    {
        var error = await Assert.ThrowsAsync<ProxyStartException>(
            () => ProxyProcess.StartAsync(new ProxyProcessOptions { NodePath = "/nonexistent/bin/node" }));

        Assert.Contains("Node.js was not found", error.Message);
        Assert.Contains("/nonexistent/bin/node", error.Message);
    }

    [Fact]
    public void The_repository_is_found_above_the_test_assembly()
    {
        var root = ProxyRepository.FindAbove(AppContext.BaseDirectory);

        Assert.NotNull(root);
        Assert.True(File.Exists(Path.Combine(root, "proto", "thriftproxy", "v1", "scenario_control.proto")));
        Assert.True(ProxyRepository.IsProxyRoot(root));
        Assert.Null(ProxyRepository.FindAbove(Path.GetPathRoot(AppContext.BaseDirectory)!));
    }

    [Fact]
    public void A_configured_root_that_is_not_the_repository_is_rejected()
    {
        var error = Assert.Throws<ProxyStartException>(() => ProxyRepository.Locate(explicitRoot: Path.GetTempPath()));

        Assert.Contains("package.json named thrift-fault-proxy", error.Message);
    }

    [Fact]
    public async Task A_proxy_that_exits_before_it_is_ready_reports_its_exit_code_and_stderr()
    {
        var options = new ProxyProcessOptions();
        options.ExtraArguments.Add("--no-such-flag");

        var error = await Assert.ThrowsAsync<ProxyStartException>(() => ProxyProcess.StartAsync(options));

        Assert.Contains("exited with code 2", error.Message);
        Assert.Contains("no-such-flag", error.Message);
        // From its stderr, not only the command line.
        Assert.Contains("thrift-fault-proxy --help", error.Message);
    }

    [Fact]
    public async Task Disposing_stops_the_process_and_frees_the_control_port()
    {
        var proxy = await ProxyProcess.StartAsync();
        var apiHost = proxy.ApiHost;
        var apiPort = proxy.ApiPort;
        var caDirectory = Path.GetDirectoryName(proxy.CaCertificatePath)!;
        Assert.False(proxy.HasExited);
        Assert.True(File.Exists(proxy.CaCertificatePath));

        await proxy.DisposeAsync();

        using var stale = new ProxyControlClient(apiHost, apiPort);
        var error = await Assert.ThrowsAsync<ProxyControlException>(() => stale.CheckHealthAsync());
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.False(Directory.Exists(caDirectory));
    }

    [Fact]
    public async Task The_proxy_is_tied_to_the_test_process_by_exit_with_parent_and_a_stdin_pipe()
    {
        Assert.Contains("--exit-with-parent", ProxyArguments.Build("cli.js", new ProxyProcessOptions(), "ca"));
        var withHistory = ProxyArguments.Build("cli.js", new ProxyProcessOptions { HistoryMib = 16 }, "ca").ToList();
        Assert.Equal("16", withHistory[withHistory.IndexOf("--history-mib") + 1]);
        Assert.DoesNotContain("--history-mib", ProxyArguments.Build("cli.js", new ProxyProcessOptions(), "ca"));
        await using var proxy = await ProxyProcess.StartAsync();
        if (!OperatingSystem.IsLinux()) return;
        // The proxy's stdin is a pipe whose other end is this process: when this process dies, the proxy stops
        // (the Node tests kill such a parent and watch the proxy go: test/cli/exit-with-parent.test.ts).
        var stdin = new FileInfo($"/proc/{proxy.ProcessId}/fd/0").LinkTarget;
        Assert.StartsWith("pipe:", stdin);
        var commandLine = File.ReadAllText($"/proc/{proxy.ProcessId}/cmdline");
        Assert.Contains("--exit-with-parent", commandLine);
    }

    private static string CreateFakeRepository()
    {
        var root = Path.Combine(Path.GetTempPath(), "tfp-fake-repo-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "package.json"), "{\"name\": \"thrift-fault-proxy\", \"version\": \"0.0.0\"}");
        return root;
    }
}
