namespace ScorePortal.Account.Sessions;

/// <summary>Every hour, deletes the session rows that no sign-in cookie can carry any more (<see cref="AccountSessions.Retention"/>).</summary>
internal sealed class AccountSessionsCleanup(AccountSessions sessions, TimeProvider time, ILogger<AccountSessionsCleanup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await sessions.DeleteExpiredAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The next hour tries again; a failed sweep only keeps rows that sign nobody in.
                    logger.LogWarning(ex, "Deleting expired account sessions failed");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
