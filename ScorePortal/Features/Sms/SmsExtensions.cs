using ScorePortal.Operations;

namespace ScorePortal.Features.Sms;

public static class SmsExtensions
{
    /// <summary>The SMS query (docs/sms.md): the signed inbound callback and its answer; the channel itself is the platform's (<c>AddSmsChannel</c>).</summary>
    public static WebApplicationBuilder AddSms(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SmsReplyText>();
        builder.Services.AddSingleton<AnswerSmsQuery>();
        return builder;
    }

    public static WebApplication MapSms(this WebApplication app)
    {
        app.MapPost(SmsInboundEndpoint.Path, SmsInboundEndpoint.HandleAsync)
            .DisableAntiforgery()
            .ExcludeFromDescription();
        // The development outbox page shows message bodies (ID numbers, scores): outside Development and Testing it does
        // not exist, answered like any unknown address.
        if (!app.Environment.IsDevelopmentOrTesting())
            app.Use(async (context, next) =>
            {
                if (context.Request.Path.StartsWithSegments(DevSmsPaths.Page, StringComparison.OrdinalIgnoreCase))
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return;
                }
                await next(context);
            });
        return app;
    }
}

/// <summary>The development page's address.</summary>
public static class DevSmsPaths
{
    public const string Page = "/dev/sms";
}
