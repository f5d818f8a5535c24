namespace ScorePortal.Features.Enterprises.Webhooks;

/// <summary>How result-change notices are sent to enterprises (section "Enterprises:Webhooks").</summary>
public sealed class WebhookOptions
{
    public const string Section = "Enterprises:Webhooks";

    /// <summary>
    /// Lets notices go over plain HTTP to a loopback address, so a test's own listener can receive them. Honoured only in
    /// the Testing environment: start-up refuses it anywhere else, and Production's start-up checks name it.
    /// </summary>
    public bool AllowLoopbackHttpForTests { get; set; }

    /// <summary>One POST, connection and TLS included, must finish within this.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Connecting (TCP) must finish within this; part of <see cref="Timeout"/>.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a notice is retried after its first attempt before it is given up as failed.</summary>
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The wait after the first failed attempt; it doubles after each further failure, up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromHours(2);

    /// <summary>The least time between two test notices of one enterprise.</summary>
    public TimeSpan TestNoticeInterval { get; set; } = TimeSpan.FromSeconds(30);
}
