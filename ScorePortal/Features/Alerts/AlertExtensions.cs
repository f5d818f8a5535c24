using ScorePortal.Operations;
using ScorePortal.Security;

namespace ScorePortal.Features.Alerts;

public static class AlertExtensions
{
    public static WebApplicationBuilder AddAlerts(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AnomalyOptions>().BindConfiguration(AnomalyOptions.Section)
            .Validate(o => o.Window > TimeSpan.Zero && o.BlockDuration > TimeSpan.Zero, "Anomaly:Window and BlockDuration must be positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton<AnomalyDetector>();
        builder.Services.AddSingleton<FieldIntegrityAlerts>();
        builder.Services.AddSingleton<IIntegrityAlarm>(sp => sp.GetRequiredService<FieldIntegrityAlerts>());
        return builder;
    }

    /// <summary>
    /// A blocked address gets 429 with a clear message (and Retry-After) on every form post and public endpoint,
    /// before any work is done for it. Pages it merely reads stay reachable, so the explanation can be shown.
    /// </summary>
    public static WebApplication UseAddressBlock(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var detector = context.RequestServices.GetRequiredService<AnomalyDetector>();
            var hot = HttpMethods.IsPost(context.Request.Method) || context.Request.Path.StartsWithSegments("/api")
                      || context.Request.Path.StartsWithSegments("/captcha");
            if (hot && await detector.BlockedForAsync(ClientAddress.LimitKey(context)) is var remaining && remaining > TimeSpan.Zero)
            {
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.Response.Headers.RetryAfter = ((int)Math.Ceiling(remaining.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return; // the status page explains it in the visitor's language
            }
            await next(context);
        });
        return app;
    }
}
