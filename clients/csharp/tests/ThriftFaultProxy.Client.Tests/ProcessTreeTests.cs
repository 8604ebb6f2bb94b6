using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ThriftFaultProxy.Testing;
using Xunit;

namespace ThriftFaultProxy.Client.Tests;

/// <summary>
/// Dispose leaves no process behind: the proxy and everything it started. The first test runs the net10.0 path
/// (Process.Kill(entireProcessTree)); the second calls the netstandard2.0 fallback directly. Unix only (the trees
/// are built with sh and sleep).
/// </summary>
public sealed class ProcessTreeTests
{
    private static readonly TimeSpan Gone = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_proxy_that_ignores_SIGTERM_is_killed_with_every_process_it_started()
    {
        if (OperatingSystem.IsWindows()) return;
        var directory = Directory.CreateTempSubdirectory("tfp-node-wrapper-");
        try
        {
            // The "node" ProxyProcess starts is a shell that ignores SIGTERM and starts a helper and the real node
            // (which still answers SIGTERM itself, but only the root gets one): dispose must kill the whole tree.
            var wrapper = Path.Combine(directory.FullName, "node-with-a-child");
            File.WriteAllText(wrapper, "#!/bin/sh\ntrap '' TERM\nsleep 300 </dev/null >/dev/null 2>&1 &\nnode \"$@\"\n");
            File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var proxy = await ProxyProcess.StartAsync(new ProxyProcessOptions { NodePath = wrapper, StopTimeout = TimeSpan.FromMilliseconds(200) });
            var root = proxy.ProcessId;
            var tree = ProcessTree.Descendants(root);
            Assert.Equal(2, tree.Count);   // sleep and node

            await proxy.DisposeAsync();

            AssertAllGone(tree.Append(root));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_fallback_without_runtime_support_kills_children_and_grandchildren()
    {
        if (OperatingSystem.IsWindows()) return;
        using var root = Process.Start(new ProcessStartInfo("/bin/sh")
        {
            ArgumentList = { "-c", "sleep 300 </dev/null >/dev/null 2>&1 & sh -c 'sleep 300 & wait' </dev/null >/dev/null 2>&1 & wait" },
            UseShellExecute = false,
        })!;
        try
        {
            // sleep; sh; and the inner sh's sleep.
            IReadOnlyList<int> tree = [];
            Assert.True(SpinWait.SpinUntil(() => (tree = ProcessTree.Descendants(root.Id)).Count == 3, Gone), $"the tree did not start: {string.Join(",", tree)}");

            ProcessTree.KillWithoutRuntimeSupport(root.Id);

            Assert.True(root.WaitForExit(Gone));
            AssertAllGone(tree);
            Assert.Empty(ProcessTree.Descendants(root.Id));
        }
        finally
        {
            if (!root.HasExited) root.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public void The_fallback_ignores_a_process_that_is_already_gone()
    {
        if (OperatingSystem.IsWindows()) return;
        using var done = Process.Start(new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", "exit 0" }, UseShellExecute = false })!;
        Assert.True(done.WaitForExit(Gone));

        ProcessTree.KillWithoutRuntimeSupport(done.Id);

        Assert.Empty(ProcessTree.Descendants(done.Id));
    }

    private static void AssertAllGone(IEnumerable<int> ids)
    {
        var all = ids.ToList();
        var alive = all;
        SpinWait.SpinUntil(() => (alive = all.Where(IsAlive).ToList()).Count == 0, Gone);
        Assert.True(alive.Count == 0, $"still running: {string.Join(", ", alive)}");
    }

    /// <summary>Running (a zombie has ended; an orphan's is reaped by init whenever it gets to it).</summary>
    private static bool IsAlive(int id)
    {
        var stat = $"/proc/{id}/stat";
        if (Directory.Exists("/proc/self"))
        {
            try
            {
                var text = File.ReadAllText(stat);
                return text[(text.LastIndexOf(')') + 2)..][0] != 'Z';
            }
            catch (IOException)
            {
                return false;
            }
        }
        try
        {
            using var process = Process.GetProcessById(id);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
