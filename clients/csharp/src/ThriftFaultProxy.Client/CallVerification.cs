using System;
using ThriftFaultProxy.V1;

namespace ThriftFaultProxy.Client
{
    /// <summary>A VerifyCalls expectation did not hold; the message is the proxy's actual-versus-expected sentence.</summary>
    public sealed class CallVerificationException : Exception
    {
        /// <summary>Creates the exception from the proxy's verdict.</summary>
        public CallVerificationException(VerifyCallsResponse verdict)
            : base(verdict.Message)
        {
            Verdict = verdict;
        }

        /// <summary>The proxy's full verdict: actual and expected methods and counts.</summary>
        public VerifyCallsResponse Verdict { get; }
    }

    /// <summary>Turns a verdict into an assertion.</summary>
    public static class VerifyCallsResponseExtensions
    {
        /// <summary>Throws <see cref="CallVerificationException"/> unless the expectation held; returns the verdict otherwise.</summary>
        public static VerifyCallsResponse EnsurePassed(this VerifyCallsResponse verdict)
        {
            if (!verdict.Passed) throw new CallVerificationException(verdict);
            return verdict;
        }
    }
}
