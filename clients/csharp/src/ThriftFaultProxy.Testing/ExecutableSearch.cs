using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace ThriftFaultProxy.Testing
{
    /// <summary>Finds an executable the way a shell would, so a missing node gets a clear message before Process.Start.</summary>
    internal static class ExecutableSearch
    {
        /// <summary>The full path of <paramref name="nameOrPath"/>, or null if it is neither a file nor on PATH.</summary>
        public static string? Find(string nameOrPath)
        {
            if (nameOrPath.IndexOfAny(new[] { Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar }) >= 0)
            {
                return File.Exists(nameOrPath) ? Path.GetFullPath(nameOrPath) : null;
            }
            var directories = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
                .Split(new[] { Path.PathSeparator }, StringSplitOptions.RemoveEmptyEntries);
            var names = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) && Path.GetExtension(nameOrPath).Length == 0
                ? (Environment.GetEnvironmentVariable("PATHEXT") ?? ".EXE;.CMD;.BAT").Split(';').Select(ext => nameOrPath + ext.ToLowerInvariant()).ToArray()
                : new[] { nameOrPath };
            return directories
                .SelectMany(dir => names.Select(name => Path.Combine(dir, name)))
                .FirstOrDefault(File.Exists);
        }
    }
}
