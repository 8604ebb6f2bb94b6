using System.Collections.Generic;
using System.Linq;
using System.Text;
using ThriftFaultProxy.V1;

namespace ThriftFaultProxy.Client
{
    /// <summary>One-line descriptions of recorded calls, for failure messages a person reads.</summary>
    public static class CallDescriptions
    {
        /// <summary>Calls listed in one message at most; the newest are kept.</summary>
        public const int MaxListed = 50;

        /// <summary>E.g. "#3 FetchResults Thrift Completed HTTP 200 scenario=cloudfetch_503".</summary>
        public static string Describe(Call call)
        {
            var text = new StringBuilder();
            text.Append('#').Append(call.Sequence).Append(' ');
            text.Append(call.Method.Length == 0 ? "(undecoded)" : call.Method);
            text.Append(' ').Append(call.Kind).Append(' ').Append(call.State);
            if (call.HttpStatus != 0) text.Append(" HTTP ").Append(call.HttpStatus);
            if (call.ReplyStatus != null) text.Append(" reply=").Append(call.ReplyStatus.StatusName);
            if (call.Scenario.Length != 0) text.Append(" scenario=").Append(call.Scenario);
            if (call.Error.Length != 0) text.Append(" error=\"").Append(call.Error).Append('"');
            return text.ToString();
        }

        /// <summary>Describes calls as a bracketed, comma-separated list, "[]" when there are none.</summary>
        public static string DescribeAll(IEnumerable<Call> calls)
        {
            var list = calls.ToList();
            var shown = list.Skip(System.Math.Max(0, list.Count - MaxListed)).Select(Describe);
            var prefix = list.Count > MaxListed ? $"... {list.Count - MaxListed} older, " : string.Empty;
            return "[" + prefix + string.Join(", ", shown) + "]";
        }
    }
}
