using System;
using System.Collections.Generic;
using ThriftFaultProxy.V1;

namespace ThriftFaultProxy.Client
{
    /// <summary>Which call events a subscription receives. Unset properties match everything.</summary>
    public sealed class CallWatchOptions
    {
        /// <summary>Only calls of this method ("CloudFetchDownload" for downloads).</summary>
        public string? Method { get; set; }

        /// <summary>Only calls of this kind.</summary>
        public CallKind Kind { get; set; } = CallKind.Unspecified;

        /// <summary>Only calls of any of these methods (in addition to <see cref="Method"/>).</summary>
        public IList<string> Methods { get; } = new List<string>();

        /// <summary>Replay recorded calls with a sequence number at or above this before going live; null: live only.</summary>
        public ulong? ReplayFromSequence { get; set; }

        /// <summary>Events the proxy may queue for this subscriber before dropping (16 to 100000); null: the proxy's default.</summary>
        public int? BufferSize { get; set; }

        /// <summary>Builds the WatchCalls request.</summary>
        public WatchCallsRequest ToRequest()
        {
            var request = new WatchCallsRequest
            {
                Filter = new CallFilter { Kind = Kind, Method = Method ?? string.Empty },
            };
            request.Methods.AddRange(Methods);
            if (ReplayFromSequence.HasValue) request.ReplayFromSequence = ReplayFromSequence.Value;
            if (BufferSize.HasValue)
            {
                if (BufferSize.Value < 0) throw new ArgumentOutOfRangeException(nameof(BufferSize), BufferSize, "must not be negative");
                request.BufferSize = (uint)BufferSize.Value;
            }
            return request;
        }
    }
}
