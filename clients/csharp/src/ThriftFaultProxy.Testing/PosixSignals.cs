using System.Runtime.InteropServices;

namespace ThriftFaultProxy.Testing
{
    /// <summary>SIGTERM for a graceful stop; .NET's Process only offers SIGKILL.</summary>
    internal static class PosixSignals
    {
        private const int SigTerm = 15;

        /// <summary>Asks the process to stop; false on Windows or if the signal could not be sent.</summary>
        public static bool TryTerminate(int processId)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return false;
            return kill(processId, SigTerm) == 0;
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int kill(int pid, int sig);
    }
}
