using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ScorePortal.Platform.Notices.Sms;

/// <summary>Says in the /healthz details whether SMS is on and through which adapter; SMS off is healthy (the default).</summary>
internal sealed class SmsHealthCheck(IOptions<SmsOptions> options, IEnumerable<ISmsSender> senders) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(senders.FirstOrDefault() is { } sender && options.Value.Enabled
            ? HealthCheckResult.Healthy($"SMS on through the {sender.Name} adapter.")
            : HealthCheckResult.Healthy(SmsChannelExtensions.OffMessage));
}

/// <summary>Says once at start whether SMS is on, so an operator reading the start-up log knows.</summary>
internal sealed class SmsStartupLog(IOptions<SmsOptions> options, IEnumerable<ISmsSender> senders, ILogger<SmsStartupLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (senders.FirstOrDefault() is { } sender && options.Value.Enabled)
            logger.LogInformation("SMS on through the {Adapter} adapter: /api/sms/inbound answers signed callbacks.", sender.Name);
        else
            logger.LogInformation("{Message}", SmsChannelExtensions.OffMessage);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
