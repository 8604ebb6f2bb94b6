using ThriftFaultProxy.V1;

namespace ThriftFaultProxy.Client
{
    /// <summary>One event of the WatchCalls stream: a call arrived or completed, the stream went live, or events were dropped.</summary>
    public sealed class CallEvent
    {
        /// <summary>Creates an event.</summary>
        public CallEvent(WatchEventType type, Call? call, bool replayed, long droppedCount)
        {
            Type = type;
            Call = call;
            Replayed = replayed;
            DroppedCount = droppedCount;
        }

        /// <summary>What happened.</summary>
        public WatchEventType Type { get; }

        /// <summary>The call, for <see cref="WatchEventType.CallStarted"/> and <see cref="WatchEventType.CallCompleted"/>.</summary>
        public Call? Call { get; }

        /// <summary>Whether the event replays recorded history rather than live traffic.</summary>
        public bool Replayed { get; }

        /// <summary>Events the proxy discarded for this subscriber, for <see cref="WatchEventType.EventsDropped"/>.</summary>
        public long DroppedCount { get; }

        /// <summary>Converts one message of the stream.</summary>
        public static CallEvent FromResponse(WatchCallsResponse response) =>
            new CallEvent(response.Type, response.Call, response.Replayed, checked((long)response.DroppedCount));

        /// <inheritdoc />
        public override string ToString()
        {
            var origin = Replayed ? " (replayed)" : string.Empty;
            switch (Type)
            {
                case WatchEventType.EventsDropped:
                    return $"EventsDropped {DroppedCount}";
                case WatchEventType.Live:
                    return "Live";
                default:
                    return Call == null ? $"{Type}{origin}" : $"{Type}{origin} {CallDescriptions.Describe(Call)}";
            }
        }
    }
}
