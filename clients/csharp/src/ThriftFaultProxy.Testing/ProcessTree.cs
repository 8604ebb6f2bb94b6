using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace ThriftFaultProxy.Testing
{
    /// <summary>
    /// Kills a process and its descendants where the runtime cannot (netstandard2.0 has no
    /// Process.Kill(entireProcessTree)): taskkill /T on Windows; elsewhere the descendants are listed first
    /// (/proc on Linux, pgrep -P on other Unixes) and each gets SIGKILL, the root first so it cannot start more.
    /// </summary>
    internal static class ProcessTree
    {
        /// <summary>Kills <paramref name="rootId"/> and every process below it; processes already gone are skipped.</summary>
        public static void KillWithoutRuntimeSupport(int rootId)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                RunQuietly("taskkill", $"/T /F /PID {rootId.ToString(CultureInfo.InvariantCulture)}");
                return;
            }
            var descendants = Descendants(rootId);
            PosixSignals.TryKill(rootId);
            foreach (var id in descendants) PosixSignals.TryKill(id);
        }

        /// <summary>Every live descendant of <paramref name="rootId"/> (children, grandchildren, ...), parents before children; Unix only.</summary>
        public static IReadOnlyList<int> Descendants(int rootId)
        {
            var found = new List<int>();
            var seen = new HashSet<int> { rootId };
            var pending = new Queue<int>();
            pending.Enqueue(rootId);
            Func<int, IEnumerable<int>> childrenOf = ChildrenFunction();
            while (pending.Count > 0)
            {
                foreach (var child in childrenOf(pending.Dequeue()))
                {
                    if (!seen.Add(child)) continue;
                    found.Add(child);
                    pending.Enqueue(child);
                }
            }
            return found;
        }

        private static Func<int, IEnumerable<int>> ChildrenFunction()
        {
            if (!Directory.Exists("/proc/self")) return ChildrenFromPgrep;
            // /proc/<pid>/task/<tid>/children needs CONFIG_PROC_CHILDREN; without it, read every process's parent once.
            if (Directory.EnumerateDirectories("/proc/self/task").Any(task => File.Exists(Path.Combine(task, "children"))))
            {
                return ChildrenFromProcChildrenFiles;
            }
            var parents = ParentsFromProcStat();
            return id => parents.Where(p => p.Value == id).Select(p => p.Key);
        }

        private static IEnumerable<int> ChildrenFromProcChildrenFiles(int id)
        {
            var children = new List<int>();
            try
            {
                foreach (var task in Directory.EnumerateDirectories($"/proc/{id.ToString(CultureInfo.InvariantCulture)}/task"))
                {
                    children.AddRange(ParseIds(ReadOrEmpty(Path.Combine(task, "children"))));
                }
            }
            catch (IOException)
            {
                // The process ended meanwhile.
            }
            catch (UnauthorizedAccessException)
            {
            }
            return children;
        }

        /// <summary>pid to parent pid, from /proc/*/stat ("pid (comm) state ppid ...", comm may hold spaces and parentheses).</summary>
        private static Dictionary<int, int> ParentsFromProcStat()
        {
            var parents = new Dictionary<int, int>();
            foreach (var directory in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var id)) continue;
                var stat = ReadOrEmpty(Path.Combine(directory, "stat"));
                var afterName = stat.LastIndexOf(')');
                if (afterName < 0) continue;
                var fields = stat.Substring(afterName + 1).Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
                // fields[0] is the state; a zombie has already ended and cannot be killed again.
                if (fields.Length < 2 || fields[0] == "Z") continue;
                if (int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var parent)) parents[id] = parent;
            }
            return parents;
        }

        private static IEnumerable<int> ChildrenFromPgrep(int id) =>
            ParseIds(RunQuietly("pgrep", $"-P {id.ToString(CultureInfo.InvariantCulture)}"));

        private static IEnumerable<int> ParseIds(string text) =>
            text.Split(new[] { ' ', '\n', '\r', '\t' }, StringSplitOptions.RemoveEmptyEntries)
                .Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0)
                .Where(n => n > 0);

        private static string ReadOrEmpty(string path)
        {
            try
            {
                return File.ReadAllText(path);
            }
            catch (IOException)
            {
                return string.Empty;
            }
            catch (UnauthorizedAccessException)
            {
                return string.Empty;
            }
        }

        /// <summary>Runs a tool and returns its stdout; empty if it is missing or does not finish within 10 s.</summary>
        private static string RunQuietly(string fileName, string arguments)
        {
            try
            {
                using (var tool = Process.Start(new ProcessStartInfo(fileName, arguments)
                {
                    UseShellExecute = false,
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    CreateNoWindow = true,
                }))
                {
                    if (tool == null) return string.Empty;
                    tool.ErrorDataReceived += (sender, e) => { };
                    tool.BeginErrorReadLine();
                    var output = tool.StandardOutput.ReadToEndAsync();
                    if (!tool.WaitForExit(10_000)) return string.Empty;
                    return output.Wait(1000) ? output.Result : string.Empty;
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return string.Empty;
            }
        }
    }
}
