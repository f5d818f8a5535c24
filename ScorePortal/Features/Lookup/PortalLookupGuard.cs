using ScorePortal.Features.Alerts;
using ScorePortal.Features.Captcha;
using ScorePortal.Operations;
using ScorePortal.Platform.Audit;

namespace ScorePortal.Features.Lookup;

/// <summary>
/// The portal's checks before a lookup query: the captcha (spent whatever the outcome), the per-address and per-ID
/// limits, the wrong-name lock, and the anomaly monitors; afterwards the outcome is audited (no PII) and a wrong name
/// counts towards the lock of that ID for that address and the spacing of that ID's lookups. A refusal never says
/// whether the ID number exists. When the busy gate is full (<see cref="GateFull"/>) a post whose captcha passed joins
/// the waiting room instead of going on; a post with an admitted queue ticket skips the captcha (the ticket replaced
/// it when the visitor joined) and keeps every other check.
/// </summary>
internal sealed class PortalLookupGuard(
    IHttpContextAccessor http,
    CaptchaService captcha,
    LookupThrottle throttle,
    AnomalyDetector anomalies,
    AuditLog audit,
    WaitingRoom waitingRoom,
    TimeProvider time) : ILookupGuard
{
    public async ValueTask<LookupRefusal?> CheckAsync(LookupAttempt attempt, CancellationToken cancellationToken)
    {
        var address = Address();
        // An address the monitors blocked gets its form back with the wait, before the captcha is spent; the block
        // covers the lookups only (never sign-in, the candidate area or the admin areas).
        if (await anomalies.BlockedForAsync(address) is var blocked && blocked > TimeSpan.Zero)
            return new LookupRefusal("Lookup.Refused.Blocked", blocked);
        var full = http.HttpContext?.Features.Get<GateFull>();
        if (QueueTicket() is { } ticket)
        {
            switch (await waitingRoom.UseAsync(ticket, spend: full is null))
            {
                case TicketUse.Admitted:
                    break;
                case TicketUse.Waiting:
                    if (full is null) http.HttpContext!.Features.Set(full = new GateFull());
                    full.Ticket = ticket;
                    return WaitingRoomPage.Queued;
                default:
                    return "WaitingRoom.TicketExpired";
            }
        }
        else
        {
            switch (await captcha.VerifyAsync(attempt.CaptchaToken, attempt.CaptchaAnswer))
            {
                case CaptchaCheck.Passed:
                    break;
                case CaptchaCheck.Wrong:
                    await anomalies.ObserveAsync(Observation.WrongCaptcha, address);
                    return "Captcha.Wrong";
                default:
                    return "Captcha.Expired";
            }
            if (full is not null)
            {
                full.Ticket = await waitingRoom.JoinAsync();
                return WaitingRoomPage.Queued;
            }
        }

        if (await throttle.AddressWaitAsync(address) is var wait && wait > TimeSpan.Zero) return new LookupRefusal("Lookup.Refused.Wait", wait);
        switch (await throttle.CheckIdNumberAsync(attempt.Key, address))
        {
            case ThrottleVerdict.IdNumberLocked:
                return "Lookup.Refused.Locked";
            case ThrottleVerdict.IdNumberLimited:
                return "Lookup.Refused.TooMany";
        }
        // After wrong names from anywhere, this ID number's lookups are spaced out (the candidate's own included, by a
        // bounded wait; nobody is locked out).
        if (await throttle.ReserveSlotAsync(attempt.Key) is not { } slot) return "Lookup.Refused.TooMany";
        if (slot > TimeSpan.Zero) await Task.Delay(slot, time, cancellationToken);
        await anomalies.ObserveAsync(Observation.Lookup, address, attempt.Key, attempt.ProvinceCode);
        return null;
    }

    public async ValueTask RecordAsync(LookupAttempt attempt, bool matched, CancellationToken cancellationToken)
    {
        var address = Address();
        if (!matched)
        {
            await throttle.RecordWrongNameAsync(attempt.Key, address);
            await anomalies.ObserveAsync(Observation.WrongName, address, attempt.Key);
        }
        await audit.WriteAsync(new AuditRecord(AuditActions.ScoreLookup, SourceIp: address,
            Data: new Dictionary<string, string?> { ["channel"] = attempt.Channel, ["result"] = matched ? "matched" : "no-match" }),
            cancellationToken);
    }

    /// <summary>The queue ticket the waiting page's form carries; null on a first post.</summary>
    private string? QueueTicket() =>
        http.HttpContext?.Request is { HasFormContentType: true } request && request.Form[GateLine.TicketField].ToString() is { Length: > 0 } ticket
            ? ticket
            : null;

    /// <summary>The client's limit key: the forwarded address behind a trusted proxy, an IPv6 client's /64.</summary>
    private string? Address() => http.HttpContext is { } context ? ClientAddress.LimitKey(context) : null;
}
