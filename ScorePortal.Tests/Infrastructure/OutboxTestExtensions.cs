using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Platform.Outbox;

namespace ScorePortal.Tests.Infrastructure;

/// <summary>Waits on the portal's outbox worker by its passes, never by sleeping.</summary>
public static class OutboxTestExtensions
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Wakes the worker and returns when a pass that started after the call has finished.</summary>
    public static async Task RunOutboxPassAsync(this PortalFactory portal, TimeSpan? timeout = null)
    {
        var pass = portal.Services.GetRequiredService<OutboxWorker>().NextPass;
        portal.Services.GetRequiredService<OutboxSignal>().Notify();
        await pass.WaitAsync(timeout ?? DefaultTimeout);
    }

    /// <summary>Runs worker passes until <paramref name="condition"/> holds (checked before each pass and after the last).</summary>
    public static async Task WaitForOutboxAsync(this PortalFactory portal, Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!await condition())
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException("The outbox did not reach the expected state in time.");
            await portal.RunOutboxPassAsync(left);
        }
    }
}
