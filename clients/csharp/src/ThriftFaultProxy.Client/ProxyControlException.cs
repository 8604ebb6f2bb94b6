using System;
using Grpc.Core;

namespace ThriftFaultProxy.Client
{
    /// <summary>
    /// The proxy's control API answered a call with a gRPC error. <see cref="StatusCode"/> and
    /// <see cref="Detail"/> are the status the proxy sent; the message names the operation too.
    /// </summary>
    public class ProxyControlException : Exception
    {
        /// <summary>Creates the exception for a failed control call.</summary>
        public ProxyControlException(string operation, StatusCode statusCode, string detail, Exception? innerException = null)
            : base($"{operation} failed with {statusCode}: {detail}", innerException)
        {
            Operation = operation;
            StatusCode = statusCode;
            Detail = detail;
        }

        /// <summary>The RPC that failed, e.g. "EnableScenario".</summary>
        public string Operation { get; }

        /// <summary>The gRPC status code the proxy answered with.</summary>
        public StatusCode StatusCode { get; }

        /// <summary>The status message the proxy answered with.</summary>
        public string Detail { get; }

        /// <summary>Maps a gRPC failure to the most specific exception type, so tests can catch by kind.</summary>
        public static ProxyControlException FromRpcException(string operation, RpcException exception)
        {
            var code = exception.StatusCode;
            var detail = exception.Status.Detail ?? string.Empty;
            switch (code)
            {
                case StatusCode.NotFound:
                    return new ScenarioNotFoundException(operation, detail, exception);
                case StatusCode.InvalidArgument:
                    return new InvalidControlArgumentException(operation, detail, exception);
                case StatusCode.AlreadyExists:
                    return new ScenarioAlreadyExistsException(operation, detail, exception);
                case StatusCode.FailedPrecondition:
                    return new ScenarioPreconditionFailedException(operation, detail, exception);
                default:
                    return new ProxyControlException(operation, code, detail, exception);
            }
        }
    }

    /// <summary>The proxy knows no scenario by the name given (gRPC NOT_FOUND).</summary>
    public sealed class ScenarioNotFoundException : ProxyControlException
    {
        /// <summary>Creates the exception.</summary>
        public ScenarioNotFoundException(string operation, string detail, Exception? innerException = null)
            : base(operation, StatusCode.NotFound, detail, innerException)
        {
        }
    }

    /// <summary>
    /// The proxy rejected an argument (gRPC INVALID_ARGUMENT): an enable override that does not apply or is out of
    /// range, a verification without a kind, a watch buffer size out of range.
    /// </summary>
    public sealed class InvalidControlArgumentException : ProxyControlException
    {
        /// <summary>Creates the exception.</summary>
        public InvalidControlArgumentException(string operation, string detail, Exception? innerException = null)
            : base(operation, StatusCode.InvalidArgument, detail, innerException)
        {
        }
    }

    /// <summary>
    /// The name belongs to a scenario that cannot be replaced (gRPC ALREADY_EXISTS): DefineScenario with the name of
    /// a built-in scenario. Pick another name.
    /// </summary>
    public sealed class ScenarioAlreadyExistsException : ProxyControlException
    {
        /// <summary>Creates the exception.</summary>
        public ScenarioAlreadyExistsException(string operation, string detail, Exception? innerException = null)
            : base(operation, StatusCode.AlreadyExists, detail, innerException)
        {
        }
    }

    /// <summary>
    /// The scenario is not in a state that allows the operation (gRPC FAILED_PRECONDITION): DeleteScenario of a
    /// built-in scenario, which can only be disabled.
    /// </summary>
    public sealed class ScenarioPreconditionFailedException : ProxyControlException
    {
        /// <summary>Creates the exception.</summary>
        public ScenarioPreconditionFailedException(string operation, string detail, Exception? innerException = null)
            : base(operation, StatusCode.FailedPrecondition, detail, innerException)
        {
        }
    }
}
