
namespace ScorePortal.Features.Enterprises.Api;

/// <summary>The enterprise API: <c>POST /api/v1/exam/result</c>, its access log, its OpenAPI document and reference page.</summary>
public static class EnterpriseApiExtensions
{
    public static WebApplicationBuilder AddEnterpriseApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<EnterpriseApiOptions>().BindConfiguration(EnterpriseApiOptions.Section)
            .Validate(EnterpriseApiOptions.AreValid,
                "EnterpriseApi:InvalidKeyAttemptsPerAddressPerMinute cannot be negative and EnterpriseApi:LastUsedResolution must be positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ExamTypes>();
        builder.Services.AddSingleton<ApiAccessLog>();
        builder.Services.AddHostedService<ApiAccessWriter>();
        builder.Services.AddSingleton<GetExamResult>();
        ApiReference.AddTo(builder.Services);
        return builder;
    }

    /// <summary>
    /// The <c>/api/v1</c> group takes none of the anonymous per-address limits (no rate-limiter policy, outside the busy
    /// gate's paths, never looked at by the lookup's address blocks): a key's own limits and allow-list govern its calls,
    /// and calls without a usable key are counted per address by the endpoint itself.
    /// </summary>
    public static WebApplication MapEnterpriseApi(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<EnterpriseApiOptions>>().Value;
        if (options.Reference) ApiReference.MapTo(app);

        var v1 = app.MapGroup("/api/v1").WithTags("Enterprise API").AllowAnonymous();
        var result = v1.MapPost("/exam/result", GetExamResult.HandleAsync)
            .WithName("GetExamResult")
            .WithSummary("One consenting employee's result in one qualification")
            .WithDescription("Needs `Authorization: Bearer <key>` and a JSON body of at most 4 KB with exactly `employee_id` and `exam_type`.")
            .Produces<ExamResultResponse>(StatusCodes.Status200OK, "application/json")
            // Every call counts for /metrics (refused ones too): the operation's name only, never the key or the body.
            .AddEndpointFilter((context, next) =>
            {
                context.HttpContext.RequestServices.GetRequiredService<ScorePortal.Operations.PortalMetrics>().ApiCall("exam_result");
                return next(context);
            });
        // The body is read by the endpoint itself (strict JSON, 4 KB), so that every bad body gets invalid_request rather
        // than the framework's 415: its schema joins the document in ApiReference.
        foreach (var status in ApiProblems.All.Select(p => p.Status).Append(ApiProblems.BodyTooLarge.Status).Append(StatusCodes.Status500InternalServerError).Distinct().Order())
            result.Produces<ApiProblemBody>(status, ApiProblems.ProblemContentType);
        return app;
    }
}
