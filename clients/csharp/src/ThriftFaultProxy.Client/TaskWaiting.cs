using System.Threading;
using System.Threading.Tasks;

namespace ThriftFaultProxy.Client
{
    /// <summary>Task.WaitAsync(CancellationToken) for netstandard2.0, which lacks it.</summary>
    internal static class TaskWaiting
    {
        public static async Task WaitOrCancel(Task task, CancellationToken cancellationToken)
        {
#if NET6_0_OR_GREATER
            await task.WaitAsync(cancellationToken).ConfigureAwait(false);
#else
            if (!cancellationToken.CanBeCanceled)
            {
                await task.ConfigureAwait(false);
                return;
            }
            var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (cancellationToken.Register(() => cancelled.TrySetResult(true)))
            {
                var first = await Task.WhenAny(task, cancelled.Task).ConfigureAwait(false);
                if (first != task) cancellationToken.ThrowIfCancellationRequested();
                await task.ConfigureAwait(false);
            }
#endif
        }
    }
}
