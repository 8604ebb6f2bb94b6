using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace ThriftFaultProxy.Testing
{
    /// <summary>The proxy's command line, built from <see cref="ProxyProcessOptions"/>.</summary>
    public static class ProxyArguments
    {
        /// <summary>Arguments for node: the CLI script, then its flags.</summary>
        public static IReadOnlyList<string> Build(string cliPath, ProxyProcessOptions options, string caDirectory)
        {
            var arguments = new List<string>
            {
                cliPath,
                "--listen-host", options.ListenHost,
                "--listen-port", options.ListenPort.ToString(CultureInfo.InvariantCulture),
                "--api-host", options.ApiHost,
                "--api-port", options.ApiPort.ToString(CultureInfo.InvariantCulture),
                "--ca-dir", caDirectory,
                "--log-level", options.LogLevel,
                // With stdin a pipe from this process: if the test host dies, the proxy stops instead of keeping its ports.
                "--exit-with-parent",
            };
            foreach (var mapping in options.HostMappings)
            {
                arguments.Add("--map-host");
                arguments.Add($"{mapping.Key}={mapping.Value}");
            }
            foreach (var file in options.UpstreamCaFiles)
            {
                arguments.Add("--upstream-ca");
                arguments.Add(file);
            }
            foreach (var pattern in options.CloudFetchHostPatterns)
            {
                arguments.Add("--cloudfetch-host");
                arguments.Add(pattern);
            }
            if (options.InsecureUpstream) arguments.Add("--insecure-upstream");
            if (options.HistorySize.HasValue)
            {
                arguments.Add("--history-size");
                arguments.Add(options.HistorySize.Value.ToString(CultureInfo.InvariantCulture));
            }
            if (options.HistoryMib.HasValue)
            {
                arguments.Add("--history-mib");
                arguments.Add(options.HistoryMib.Value.ToString(CultureInfo.InvariantCulture));
            }
            if (options.FakeWarehouse) arguments.Add("--fake-warehouse");
            // Passed as given, also without FakeWarehouse: the proxy then refuses them with a message saying so.
            AddNumber(arguments, "--fake-cloudfetch-threshold", options.FakeCloudFetchThresholdRows);
            AddNumber(arguments, "--fake-rows-per-file", options.FakeRowsPerFile);
            AddMilliseconds(arguments, "--fake-link-lifetime-ms", options.FakeLinkLifetime, minimum: 1);
            AddNumber(arguments, "--fake-links-per-fetch", options.FakeLinksPerFetch);
            AddMilliseconds(arguments, "--fake-execution-delay-ms", options.FakeExecutionDelay, minimum: 0);
            if (!options.FakeLz4Compression) arguments.Add("--fake-no-lz4");
            arguments.AddRange(options.ExtraArguments);
            return arguments;
        }

        private static void AddNumber(List<string> arguments, string flag, long? value)
        {
            if (!value.HasValue) return;
            arguments.Add(flag);
            arguments.Add(value.Value.ToString(CultureInfo.InvariantCulture));
        }

        private static void AddMilliseconds(List<string> arguments, string flag, TimeSpan? value, long minimum)
        {
            if (!value.HasValue) return;
            AddNumber(arguments, flag, Math.Max(minimum, (long)Math.Ceiling(value.Value.TotalMilliseconds)));
        }

        /// <summary>Quotes one argument for a command line (Windows CRT rules, also read correctly by .NET on Unix).</summary>
        public static string Quote(string argument)
        {
            if (argument.Length > 0 && !argument.Any(c => char.IsWhiteSpace(c) || c == '"')) return argument;
            var quoted = new StringBuilder("\"");
            var backslashes = 0;
            foreach (var c in argument)
            {
                if (c == '\\')
                {
                    backslashes++;
                    continue;
                }
                if (c == '"')
                {
                    quoted.Append('\\', backslashes * 2 + 1).Append('"');
                }
                else
                {
                    quoted.Append('\\', backslashes).Append(c);
                }
                backslashes = 0;
            }
            quoted.Append('\\', backslashes * 2).Append('"');
            return quoted.ToString();
        }
    }
}
