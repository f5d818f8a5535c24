using ScorePortal.Features.Results;

namespace ScorePortal.Features.Enterprises.Webhooks;

/// <summary>The <c>event</c> values of a notice (docs/webhooks.md, "Events").</summary>
public static class WebhookEvents
{
    /// <summary>A batch published the employee's result of a session for the first time.</summary>
    public const string Published = "result.published";

    /// <summary>A review decision changed one of the employee's subject scores.</summary>
    public const string Changed = "result.changed";

    /// <summary>
    /// A batch published a correction: the employee had a result of that session released before (by an earlier batch
    /// version of the session), and this publication replaced it.
    /// </summary>
    public const string Superseded = "result.superseded";

    /// <summary>A published batch holding the employee's result was taken back.</summary>
    public const string Retracted = "result.retracted";

    /// <summary>A test notice the enterprise asked for; names nobody.</summary>
    public const string Test = "webhook.test";

    public static readonly IReadOnlyList<string> All = [Published, Changed, Superseded, Retracted, Test];

    /// <summary>The event of a result change for one employee; <paramref name="hadEarlierRelease"/> only matters for a publication.</summary>
    public static string Of(ResultChangeKind kind, bool hadEarlierRelease) => kind switch
    {
        ResultChangeKind.Published => hadEarlierRelease ? Superseded : Published,
        ResultChangeKind.Retracted => Retracted,
        ResultChangeKind.ReviewDecided => Changed,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "An unknown kind of result change."),
    };
}
