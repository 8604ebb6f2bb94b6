using System;

namespace ThriftFaultProxy.Testing
{
    /// <summary>The proxy could not be started: node or the built CLI is missing, it exited early, or it never got ready.</summary>
    public sealed class ProxyStartException : Exception
    {
        /// <summary>Creates the exception.</summary>
        public ProxyStartException(string message, Exception? innerException = null)
            : base(message, innerException)
        {
        }
    }
}
