using ScorePortal.Account;

namespace ScorePortal.Features.Privacy;

/// <summary>
/// Privacy a candidate can see and use: the notice (<c>/privacy</c>, accepted at registration and again when it
/// changes) and closing the account (<c>/me/close</c>). The sign-in gate itself is the account feature's
/// (<see cref="PrivacyNoticeGate"/>); this feature tells it which version is current.
/// </summary>
public static class PrivacyExtensions
{
    public static WebApplicationBuilder AddPrivacy(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ICurrentPrivacyNotice, PrivacyNotice>();
        builder.Services.AddSingleton<AcceptPrivacyNotice>();
        builder.Services.AddSingleton<CloseAccount>();
        return builder;
    }
}
