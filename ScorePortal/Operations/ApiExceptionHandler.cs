using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace ScorePortal.Operations;

/// <summary>
/// Machines get RFC 9457 ProblemDetails; pages fall through to the friendly /Error page. Either way the exception
/// is logged with the trace id the visitor sees, and its details stay on the server; an encrypted value that did not
/// open for its row also raises a critical alert for admins.
/// </summary>
internal sealed class ApiExceptionHandler(IProblemDetailsService problemDetails, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        logger.LogError(exception, "Unhandled exception for {Method} {Path} (trace {TraceId})",
            context.Request.Method, context.Request.Path, context.TraceIdentifier);
        // An encrypted value that did not open for its row: somebody changed the database. Admins hear of it.
        if (Security.FieldIntegrityException.In(exception) is { } integrity)
            await context.RequestServices.GetRequiredService<Security.IIntegrityAlarm>()
                .RaiseAsync(integrity, context.Request.Method + " " + context.Request.Path);
        if (!IsMachineRequest(context.Request)) return false;

        context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = null, // never serialize the exception, whatever the environment
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError,
                Title = "An unexpected error occurred.",
                Extensions = { ["traceId"] = context.TraceIdentifier },
            },
        });
    }

    public static bool IsMachineRequest(HttpRequest request) =>
        request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/healthz")
        || request.Path.StartsWithSegments("/captcha");
}
