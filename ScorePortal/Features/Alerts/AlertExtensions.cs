using ScorePortal.Platform.Limits;
using ScorePortal.Security;

namespace ScorePortal.Features.Alerts;

public static class AlertExtensions
{
    public static WebApplicationBuilder AddAlerts(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AnomalyOptions>().BindConfiguration(AnomalyOptions.Section)
            .Validate(o => o.Window > TimeSpan.Zero && o.BlockDuration > TimeSpan.Zero, "Anomaly:Window and BlockDuration must be positive.")
            .Validate(o => o.MissPercent is >= 0 and <= 100, "Anomaly:MissPercent must be 0-100.")
            .ValidateOnStart();
        builder.Services.AddSingleton<AnomalyDetector>();
        builder.Services.AddSingleton<LiftAddressBlock>();
        builder.Services.AddSingleton<FieldIntegrityAlerts>();
        builder.Services.AddSingleton<IIntegrityAlarm>(sp => sp.GetRequiredService<FieldIntegrityAlerts>());
        builder.Services.AddSingleton<ILimitsStoreAlarm, LimitsStoreAlerts>();
        return builder;
    }
}
