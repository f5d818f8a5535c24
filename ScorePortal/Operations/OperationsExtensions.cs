using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace ScorePortal.Operations;

public static class OperationsExtensions
{
    public static WebApplicationBuilder AddOperations(this WebApplicationBuilder builder)
    {
        if (!builder.Environment.IsDevelopmentOrTesting())
        {
            // One JSON object per line for log shippers; scopes carry the request id, never form values.
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(o => o.IncludeScopes = true);
        }

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ApiExceptionHandler>();
        builder.Services.AddSingleton<StorageHealth>();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database").AddCheck<StorageHealthCheck>("storage");
        builder.AddPortalMetrics();
        builder.AddPortalRequestTimeouts();

        builder.Services.AddOptions<ProductionSafetyOptions>()
            .BindConfiguration("")
            .Validate<IHostEnvironment>(ProductionSafetyOptions.IsSafeFor,
                "Refusing to start in Production with development settings (Demo:Seed or Demo:Password). " +
                "Remove them from the Production configuration.")
            .ValidateOnStart();
        return builder;
    }

    public static WebApplication UseOperations(this WebApplication app)
    {
        // The same friendly page in every environment: a stack trace never reaches a visitor; it is logged instead.
        app.UseExceptionHandler("/Error", createScopeForErrors: true);
        if (!app.Environment.IsDevelopmentOrTesting())
        {
            app.UseHsts();
            app.UseHttpsRedirection();
        }
        app.UseStatusCodePagesWithReExecute("/status/{0}", createScopeForStatusCodePages: true);
        app.Use(ProblemDetailsForMachines);
        app.Use(RenderErrorPagesAsGet);
        app.UsePortalRequestTimeouts();
        return app;
    }

    /// <summary>
    /// A form posted with a missing or stale antiforgery token (a page left open too long, cookies cleared) gets the
    /// localized 400 page instead of the framework's one-line English text.
    /// </summary>
    public static WebApplication UseFriendlyAntiforgeryFailures(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            if (context.Features.Get<Microsoft.AspNetCore.Antiforgery.IAntiforgeryValidationFeature>() is { IsValid: false }
                && context.Features.Get<IStatusCodeReExecuteFeature>() is null
                && !ApiExceptionHandler.IsMachineRequest(context.Request))
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return Task.CompletedTask;
            }
            return next(context);
        });
        return app;
    }

    /// <summary>
    /// The error and status pages are re-executed with the failed request's method; a failed form post would then
    /// reach them as a post (and be refused again, leaving an empty body). They are read-only pages: render them as GET.
    /// </summary>
    private static Task RenderErrorPagesAsGet(HttpContext context, RequestDelegate next)
    {
        if (context.Features.Get<IStatusCodeReExecuteFeature>() is not null || context.Features.Get<IExceptionHandlerPathFeature>() is not null)
            context.Request.Method = HttpMethods.Get;
        return next(context);
    }

    /// <summary>Machines get RFC 9457 ProblemDetails for error statuses without a body, never the HTML status page.</summary>
    private static async Task ProblemDetailsForMachines(HttpContext context, RequestDelegate next)
    {
        if (!ApiExceptionHandler.IsMachineRequest(context.Request))
        {
            await next(context);
            return;
        }
        if (context.Features.Get<IStatusCodePagesFeature>() is { } pages) pages.Enabled = false;
        await next(context);
        if (context.Response.StatusCode >= 400 && !context.Response.HasStarted && context.Response.ContentType is null)
        {
            await context.RequestServices.GetRequiredService<IProblemDetailsService>()
                .TryWriteAsync(new ProblemDetailsContext { HttpContext = context });
        }
    }

    public static WebApplication MapOperations(this WebApplication app)
    {
        app.MapStaticAssets();
        app.MapHealthChecks("/healthz", new HealthCheckOptions
        {
            ResponseWriter = async (context, report) =>
            {
                context.Response.ContentType = "application/json; charset=utf-8";
                if (!await OperationalDetails.AllowedAsync(context))
                {
                    // The public (and a load balancer) learns the status word, not what is inside.
                    await JsonSerializer.SerializeAsync(context.Response.Body, new { status = report.Status.ToString() });
                    return;
                }
                await JsonSerializer.SerializeAsync(context.Response.Body, new
                {
                    status = report.Status.ToString(),
                    checks = report.Entries.ToDictionary(e => e.Key, e => e.Value.Status.ToString()),
                    // What a check says of itself (e.g. "SMS off: no SMS adapter configured"); checks write no PII there.
                    notes = report.Entries.Where(e => !string.IsNullOrEmpty(e.Value.Description))
                        .ToDictionary(e => e.Key, e => e.Value.Description),
                    // What a check that is not Healthy says is wrong (a storage fault's cause): no data, no exception text.
                    causes = report.Entries.Where(e => e.Value.Status != Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy && e.Value.Description is not null)
                        .ToDictionary(e => e.Key, e => e.Value.Description),
                    circuits = context.RequestServices.GetRequiredService<ScorePortal.Components.CircuitCounter>().Open,
                    durationMs = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
                });
            },
        }).DisableHttpMetrics();
        app.MapPortalMetrics();
        return app;
    }
}
