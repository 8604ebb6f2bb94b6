using System;
using System.Collections.Generic;
using ThriftFaultProxy.V1;

namespace ThriftFaultProxy.Client
{
    /// <summary>
    /// A wait for calls ran out of time. The message says what was awaited and lists the calls that were seen;
    /// <see cref="SeenCalls"/> holds them for assertions.
    /// </summary>
    public sealed class CallWaitTimeoutException : TimeoutException
    {
        /// <summary>Creates the exception.</summary>
        public CallWaitTimeoutException(string message, IReadOnlyList<Call> seenCalls)
            : base(message)
        {
            SeenCalls = seenCalls;
        }

        /// <summary>Every call the subscription saw, in sequence order, in its latest state.</summary>
        public IReadOnlyList<Call> SeenCalls { get; }
    }
}
