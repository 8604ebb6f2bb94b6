using System.Runtime.InteropServices;

namespace ThriftFaultProxy.Testing
{
    /// <summary>SIGTERM for a graceful stop; .NET's Process only offers SIGKILL, and only for processes it started.</summary>
    internal static class PosixSignals
    {
        private const int SigKill = 9;
        private const int SigTerm = 15;

        /// <summary>Asks the process to stop; false on Windows or if the signal could not be sent.</summary>
        public static bool TryTerminate(int processId) => TrySend(processId, SigTerm);

        /// <summary>Kills the process (SIGKILL); false on Windows or if the signal could not be sent (e.g. it is gone).</summary>
        public static bool TryKill(int processId) => TrySend(processId, SigKill);

        private static bool TrySend(int processId, int signal)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows) || processId <= 0) return false;
            return kill(processId, signal) == 0;
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int kill(int pid, int sig);
    }
}
