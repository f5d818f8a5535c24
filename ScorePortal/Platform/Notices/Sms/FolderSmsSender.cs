using System.Text.Json;
using Microsoft.Extensions.Options;

namespace ScorePortal.Platform.Notices.Sms;

/// <summary>A message as the Folder adapter wrote it, for /dev/sms and tests.</summary>
public sealed record FolderSms(string To, string Body, DateTimeOffset At, string MessageId);

/// <summary>
/// The development adapter: each message is one JSON file in <see cref="SmsOptions.Folder"/>, named after its outbox
/// id, so a retried message overwrites its own file instead of arriving twice. Registered only in Development and
/// Testing (<c>AddSmsChannel</c>); Production refuses <c>Sms:Adapter=Folder</c> at start.
/// </summary>
public sealed class FolderSmsSender(SmsFolder folder, TimeProvider time, ILogger<FolderSmsSender> logger) : ISmsSender
{
    public string Name => nameof(SmsAdapter.Folder);

    public async Task SendAsync(SmsMessage message, string messageId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        Directory.CreateDirectory(folder.Path);
        var file = System.IO.Path.Combine(folder.Path, $"sms-{messageId}.json");
        var temporary = file + ".tmp";
        await File.WriteAllTextAsync(temporary,
            JsonSerializer.Serialize(new FolderSms(message.To, message.Body, time.GetUtcNow(), messageId), SmsFolder.Json), cancellationToken);
        File.Move(temporary, file, overwrite: true);
        // The file name only: the number and the body stay out of the log.
        logger.LogInformation("SMS {MessageId} written to the development folder.", messageId);
    }
}

/// <summary>Where the Folder adapter writes, and the messages there, newest first (the /dev/sms page reads them).</summary>
public sealed class SmsFolder(IOptions<SmsOptions> options, IHostEnvironment environment)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Path { get; } = System.IO.Path.Combine(environment.ContentRootPath, options.Value.Folder);

    public async Task<IReadOnlyList<FolderSms>> ReadAsync(int max, CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(Path)) return [];
        var messages = new List<FolderSms>();
        foreach (var file in Directory.EnumerateFiles(Path, "sms-*.json"))
        {
            try
            {
                if (JsonSerializer.Deserialize<FolderSms>(await File.ReadAllTextAsync(file, cancellationToken), Json) is { } sms) messages.Add(sms);
            }
            catch (Exception e) when (e is IOException or JsonException)
            {
                // A file being replaced right now, or not ours: the next read shows it.
            }
        }
        return [.. messages.OrderByDescending(m => m.At).ThenByDescending(m => m.MessageId, StringComparer.Ordinal).Take(max)];
    }
}
