using System.Globalization;
using System.Text.Encodings.Web;
using Microsoft.Extensions.Localization;

namespace ScorePortal.Platform.Notices;

/// <summary>
/// Every notice the portal sends, by name, with how its resources make one email. The names are resource key
/// prefixes (<c>{name}.Subject</c>, <c>{name}.Body</c>, …) in <c>Resources/SharedResource*.resx</c>; a new notice is
/// its resources in both languages plus one line here.
/// </summary>
public static class NoticeTemplates
{
    private static readonly Dictionary<string, NoticeTemplate> ByName = new NoticeTemplate[]
    {
        // The candidate area's notices: a short text and the portal's footer.
        new MessageTemplate("Mail.LinkCode"),
        new MessageTemplate("Mail.Linked"),
        new MessageTemplate("Mail.LinkReleased"),
        new MessageTemplate("Mail.StepUpCode"),
        new MessageTemplate("Mail.Review"),
        new MessageTemplate("SelfService.EmailChangedMail"),
        // An admin changed the recipient's account (roles, province, disabled, authenticator reset).
        new MessageTemplate("AccountsAdmin.Mail"),
        // The account's emails: one link to follow, as text and as HTML with a button.
        new ActionTemplate("Email.Confirm", GreetingKey: "Email.Confirm.Greeting", ButtonKey: "Email.Confirm.Button", CopyLinkKey: "Email.Confirm.CopyLink"),
        new ActionTemplate("Email.Registered", GreetingKey: null, ButtonKey: "Account.SignIn", CopyLinkKey: null),
        new ActionTemplate("Email.Invite", GreetingKey: "Email.Confirm.Greeting", ButtonKey: "Email.Invite.Button", CopyLinkKey: "Email.Confirm.CopyLink"),
        // A person's own account: a forgotten password, a new address.
        new ActionTemplate("SelfService.ResetMail", GreetingKey: "Email.Confirm.Greeting", ButtonKey: "SelfService.ResetMail.Button", CopyLinkKey: "Email.Confirm.CopyLink"),
        new ActionTemplate("SelfService.NewEmailMail", GreetingKey: "Email.Confirm.Greeting", ButtonKey: "SelfService.NewEmailMail.Button", CopyLinkKey: "Email.Confirm.CopyLink"),
        // Release reminders: confirm a subscription; the results are out (a link to the lookup, never a score).
        new ActionTemplate("Reminders.ConfirmMail", GreetingKey: null, ButtonKey: "Reminders.ConfirmMail.Button", CopyLinkKey: "Email.Confirm.CopyLink"),
        new ActionTemplate("Reminders.ReleaseMail", GreetingKey: null, ButtonKey: "Reminders.ReleaseMail.Button", CopyLinkKey: null),
    }.ToDictionary(t => t.Name, StringComparer.Ordinal);

    public static IEnumerable<string> Names => ByName.Keys;

    internal static NoticeTemplate Find(string name) =>
        ByName.TryGetValue(name, out var template) ? template : throw new ArgumentException($"No notice template '{name}'.", nameof(name));
}

/// <summary>A notice in words, for the email channel.</summary>
public sealed record RenderedEmail(string Subject, string TextBody, string? HtmlBody);

/// <summary>How a template's resources and data make one email; runs with the recipient's culture current.</summary>
internal abstract record NoticeTemplate(string Name)
{
    public abstract RenderedEmail Render(IStringLocalizer localizer, IReadOnlyList<object?> data);

    /// <summary>The data as format arguments: <see cref="NoticeText"/> translated, the rest as given.</summary>
    protected static object?[] Arguments(IStringLocalizer localizer, IEnumerable<object?> data) =>
        data.Select(d => d is NoticeText text ? localizer[text.Key].Value : d).ToArray();

    protected static string Format(IStringLocalizer localizer, string key, object?[] arguments) =>
        string.Format(CultureInfo.CurrentCulture, localizer[key].Value, arguments);
}

/// <summary>Subject <c>{Name}.Subject</c>; text <c>{Name}.Body</c> filled with the data, then <c>Mail.Footer</c>.</summary>
internal sealed record MessageTemplate(string Name) : NoticeTemplate(Name)
{
    public override RenderedEmail Render(IStringLocalizer localizer, IReadOnlyList<object?> data) =>
        new(localizer[Name + ".Subject"].Value,
            Format(localizer, Name + ".Body", Arguments(localizer, data)) + "\n\n" + localizer["Mail.Footer"].Value,
            null);
}

/// <summary>
/// An email asking to follow one link. Data: the link first, then the arguments of <c>{Name}.Text</c>. Subject
/// <c>{Name}.Subject</c> with the portal's name; paragraphs: the greeting, the text, the link (a button in HTML, plus
/// the link to copy when <paramref name="CopyLinkKey"/> is set), <c>{Name}.Ignore</c>, the portal's name.
/// </summary>
internal sealed record ActionTemplate(string Name, string? GreetingKey, string ButtonKey, string? CopyLinkKey) : NoticeTemplate(Name)
{
    public override RenderedEmail Render(IStringLocalizer localizer, IReadOnlyList<object?> data)
    {
        var link = data.Count > 0 && data[0] is string url ? url : throw new ArgumentException($"Notice '{Name}' needs its link first.", nameof(data));
        var appName = localizer["App.Name"].Value;
        var greeting = GreetingKey is null ? null : localizer[GreetingKey].Value;
        var text = Format(localizer, Name + ".Text", Arguments(localizer, data.Skip(1)));
        var ignore = localizer[Name + ".Ignore"].Value;

        var plain = string.Join("\n\n", new[] { greeting, text, link, ignore, appName }.OfType<string>());
        var html = HtmlEncoder.Default;
        var htmlBody =
            (greeting is null ? "" : $"<p>{html.Encode(greeting)}</p>") +
            $"<p>{html.Encode(text)}</p>" +
            $"<p><a href=\"{html.Encode(link)}\">{html.Encode(localizer[ButtonKey].Value)}</a></p>" +
            (CopyLinkKey is null ? "" : $"<p>{html.Encode(localizer[CopyLinkKey].Value)}<br>{html.Encode(link)}</p>") +
            $"<p>{html.Encode(ignore)}</p>" +
            $"<p>{html.Encode(appName)}</p>";
        return new RenderedEmail(Format(localizer, Name + ".Subject", [appName]), plain, htmlBody);
    }
}
