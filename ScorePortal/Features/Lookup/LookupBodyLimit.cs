namespace ScorePortal.Features.Lookup;

/// <summary>
/// The lookup forms are a handful of short fields, well under 2 KB even with a long name in escapes; anything larger is
/// not a candidate. Their posts are read into memory up to <see cref="MaxBytes"/> before anything else touches the body
/// (the busy gate, antiforgery, form binding): a larger body gets the localized 413 page, whether it announced its
/// length or came chunked, and is never buffered.
/// </summary>
public static class LookupBodyLimit
{
    public const int MaxBytes = 8 * 1024;

    private static readonly string[] Paths = ["/lookup"];

    public static WebApplication UseLookupBodyLimit(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            if (!HttpMethods.IsPost(request.Method) || !Paths.Any(p => request.Path.StartsWithSegments(p)))
            {
                await next(context);
                return;
            }
            if (request.ContentLength > MaxBytes || await ReadWithinLimitAsync(context) is not { } body)
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                return; // the status page explains it in the visitor's language
            }
            request.Body = body;
            request.ContentLength = body.Length;
            await next(context);
        });
        return app;
    }

    /// <summary>The whole body in memory, or null as soon as it passes the limit.</summary>
    private static async Task<MemoryStream?> ReadWithinLimitAsync(HttpContext context)
    {
        var buffer = new byte[MaxBytes + 1];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await context.Request.Body.ReadAsync(buffer.AsMemory(read), context.RequestAborted)) > 0)
            read += n;
        return read > MaxBytes ? null : new MemoryStream(buffer, 0, read, writable: false);
    }
}
