using System.Text.Json;
using Microsoft.Extensions.Options;
using ScorePortal.Operations;
using ScorePortal.Platform.Audit;
using ScorePortal.Platform.Limits;
using ScorePortal.Platform.Notices.Sms;

namespace ScorePortal.Features.Sms;

/// <summary>The callback's body (docs/sms.md): the sender as the gateway gives it, the text, and the gateway's own id.</summary>
public sealed record InboundSms(string? From, string? Text, string? Id);

/// <summary>
/// <c>POST /api/sms/inbound</c>: the gateway's signed callback (<see cref="SmsCallback"/>). Anything unsigned, forged,
/// stale or replayed is refused (401, 403) and audited; an authentic one is answered by <see cref="AnswerSmsQuery"/>.
/// 404 while SMS is off.
/// </summary>
internal static class SmsInboundEndpoint
{
    public const string Path = "/api/sms/inbound";

    /// <summary>A callback is one short message; a larger body is not read.</summary>
    public const int MaxBodyBytes = 4096;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<IResult> HandleAsync(HttpContext http, IOptions<SmsOptions> options, AnswerSmsQuery answer,
        AuditLog audit, ILimitsStore limits, TimeProvider time, CancellationToken ct)
    {
        var settings = options.Value;
        if (http.RequestServices.SmsSender() is null || settings.CallbackSecret is not { } secret) return TypedResults.NotFound();

        var address = ClientAddress.LimitKey(http);
        if (http.Request.ContentLength > MaxBodyBytes) return TypedResults.StatusCode(StatusCodes.Status413PayloadTooLarge);
        var body = await ReadBodyAsync(http.Request, ct);
        if (body is null) return TypedResults.StatusCode(StatusCodes.Status413PayloadTooLarge);

        var signature = http.Request.Headers[SmsCallback.SignatureHeader].ToString();
        var verdict = SmsCallback.Check(secret, http.Request.Headers[SmsCallback.TimestampHeader].ToString(), signature, body,
            time.GetUtcNow(), settings.CallbackWindow, out var signedAt);
        // Within the window a signature counts once (shared through Redis): a recorded callback cannot be played again.
        if (verdict == SmsCallback.Verdict.Valid
            && !await limits.TrySpendAsync("sms:callback:" + signature, signedAt + settings.CallbackWindow))
            return await RefuseAsync(audit, address, "replay", StatusCodes.Status403Forbidden, ct);
        switch (verdict)
        {
            case SmsCallback.Verdict.Unsigned: return await RefuseAsync(audit, address, "unsigned", StatusCodes.Status401Unauthorized, ct);
            case SmsCallback.Verdict.BadSignature: return await RefuseAsync(audit, address, "bad-signature", StatusCodes.Status401Unauthorized, ct);
            case SmsCallback.Verdict.Stale: return await RefuseAsync(audit, address, "stale", StatusCodes.Status403Forbidden, ct);
        }

        InboundSms? sms;
        try
        {
            sms = JsonSerializer.Deserialize<InboundSms>(body, Json);
        }
        catch (JsonException)
        {
            sms = null;
        }
        if (sms is null) return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The body is not an inbound SMS (docs/sms.md).");

        var outcome = await answer.HandleAsync(new SmsQuery(sms.From, sms.Text, address), ct);
        return TypedResults.Ok(new { status = outcome.ToString().ToLowerInvariant() });
    }

    private static async Task<IResult> RefuseAsync(AuditLog audit, string? address, string reason, int status, CancellationToken ct)
    {
        await audit.WriteAsync(new AuditRecord(AuditActions.SmsCallbackRefused, SourceIp: address,
            Data: new Dictionary<string, string?> { ["reason"] = reason }), ct);
        return TypedResults.Problem(statusCode: status, title: status == StatusCodes.Status401Unauthorized
            ? "The callback's signature is missing or wrong."
            : "The callback is outside its time window or was already received.");
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
