using System;
using System.IO;
using System.Text.Json;

namespace ThriftFaultProxy.Testing
{
    /// <summary>Finds the thrift-fault-proxy checkout whose built CLI a test starts.</summary>
    public static class ProxyRepository
    {
        /// <summary>Environment variable naming the repository root; wins over searching.</summary>
        public const string RootVariable = "THRIFT_FAULT_PROXY_ROOT";

        /// <summary>The "name" in the root package.json.</summary>
        public const string PackageName = "thrift-fault-proxy";

        /// <summary>The built CLI, relative to the root.</summary>
        public static readonly string CliRelativePath = Path.Combine("dist", "src", "cli.js");

        /// <summary>
        /// The repository root: <paramref name="explicitRoot"/> if given, else $THRIFT_FAULT_PROXY_ROOT, else the
        /// nearest folder above <paramref name="startDirectory"/> (default: the test assembly's folder) holding a
        /// package.json named thrift-fault-proxy.
        /// </summary>
        public static string Locate(string? explicitRoot = null, string? startDirectory = null)
        {
            var configured = explicitRoot ?? Environment.GetEnvironmentVariable(RootVariable);
            if (!string.IsNullOrEmpty(configured))
            {
                var full = Path.GetFullPath(configured);
                if (!IsProxyRoot(full))
                {
                    throw new ProxyStartException(
                        $"{full} (from {(explicitRoot != null ? "ProxyProcessOptions.RepositoryRoot" : RootVariable)}) holds no package.json named {PackageName}.");
                }
                return full;
            }

            var start = Path.GetFullPath(startDirectory ?? AppContext.BaseDirectory);
            var found = FindAbove(start);
            if (found != null) return found;
            throw new ProxyStartException(
                $"Could not find the {PackageName} repository: no package.json named {PackageName} in {start} or any folder above it. " +
                $"Set {RootVariable} to the repository root.");
        }

        /// <summary>The nearest folder at or above <paramref name="startDirectory"/> that is the repository root, or null.</summary>
        public static string? FindAbove(string startDirectory)
        {
            for (var dir = new DirectoryInfo(Path.GetFullPath(startDirectory)); dir != null; dir = dir.Parent)
            {
                if (IsProxyRoot(dir.FullName)) return dir.FullName;
            }
            return null;
        }

        /// <summary>Whether <paramref name="directory"/> holds a package.json whose name is thrift-fault-proxy.</summary>
        public static bool IsProxyRoot(string directory)
        {
            var packageJson = Path.Combine(directory, "package.json");
            if (!File.Exists(packageJson)) return false;
            try
            {
                using (var document = JsonDocument.Parse(File.ReadAllText(packageJson)))
                {
                    return document.RootElement.ValueKind == JsonValueKind.Object &&
                        document.RootElement.TryGetProperty("name", out var name) &&
                        name.ValueKind == JsonValueKind.String &&
                        name.GetString() == PackageName;
                }
            }
            catch (JsonException)
            {
                return false;
            }
        }
    }
}
