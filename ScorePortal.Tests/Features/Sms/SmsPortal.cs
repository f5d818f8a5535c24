using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Features.Batches;
using ScorePortal.Features.Sms;
using ScorePortal.Platform.Audit;
using ScorePortal.Platform.Notices.Sms;
using ScorePortal.Tests.Features.Batches;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Sms;

/// <summary>
/// A demo portal with SMS on through the Folder adapter, and one published session imported with a <c>Mobile</c>
/// column: 王明 with a registered mobile, 李华 without one, Maria Lopez (passport) with a British mobile. An earlier
/// file with a bad mobile was refused.
/// </summary>
public sealed class SmsPortal : IAsyncLifetime
{
    public const string Secret = "test-sms-callback-secret-0123456789abcdef";
    public const int PerNumberPerDay = 15;

    public const string WangMobile = "+8613800138000";
    public const string MariaMobile = "+447911123456";
    public static readonly string WangId = ResultsFile.ResidentId(501, "110105");
    public static readonly string LiId = ResultsFile.ResidentId(502, "110105");
    public const string MariaPassport = "E7654321";

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "scoreportal-tests", "sms-" + Guid.NewGuid().ToString("N"));

    public DemoPortal Portal { get; }

    public string Session { get; private set; } = "";

    /// <summary>The first file, refused for its third line's mobile.</summary>
    public ImportOutcome BadMobileImport { get; private set; } = null!;

    public SmsPortal()
    {
        Portal = new DemoPortal(Settings(Folder, PerNumberPerDay, 1000), candidates: 20);
    }

    public static Dictionary<string, string?> Settings(string folder, int perNumber, int cap) => new()
    {
        ["Sms:Adapter"] = "Folder",
        ["Sms:CallbackSecret"] = Secret,
        ["Sms:Folder"] = folder,
        ["Sms:PerNumberPerDay"] = perNumber.ToString(CultureInfo.InvariantCulture),
        ["Sms:DailyCap"] = cap.ToString(CultureInfo.InvariantCulture),
    };

    public async Task InitializeAsync()
    {
        Session = await ImportTestData.ScheduledSessionAsync(Portal);
        var bad = new StringBuilder("ticket_no,id_type,id_number,name,province_code,qualification_code,subject_code,score,status,email,Mobile\n")
            .Append(Row(Session + "-11-950001", "resident", WangId, "王明", "ZH", "50", "", "13800138000"))
            .Append(Row(Session + "-11-950001", "resident", WangId, "王明", "AL", "46", "", "12345"));
        BadMobileImport = await ImportTestData.ImportAsync(Portal, Session, await SaveAsync("bad-mobile.csv", bad.ToString()));

        // The header as a spreadsheet may write it: capitalized, like the other columns.
        var file = new StringBuilder("ticket_no,id_type,id_number,name,province_code,qualification_code,subject_code,score,status,email,Mobile\n");
        foreach (var (subject, score) in new[] { ("ZH", "50"), ("AL", "46"), ("LW", "30") })
        {
            file.Append(Row(Session + "-11-950001", "resident", WangId, "王明", subject, score, "", "138 0013 8000"));
            file.Append(Row(Session + "-11-950002", "resident", LiId, "李华", subject, "60", "", ""));
            file.Append(Row(Session + "-11-950003", "passport", MariaPassport, "Maria Lopez", subject, "52", "maria@example.org", "+44 7911 123456"));
        }
        var imported = Assert.IsType<ImportOutcome.Imported>(await ImportTestData.ImportAsync(Portal, Session, await SaveAsync("results.csv", file.ToString())));
        var approver = await ImportTestData.UserIdAsync(Portal, "admin2@scoreportal.demo");
        await using var scope = Portal.Services.CreateAsyncScope();
        var approved = await scope.ServiceProvider.GetRequiredService<ApproveBatch>()
            .HandleAsync(new ApproveBatchRequest(imported.BatchId, approver, imported.Fingerprint));
        Assert.True(approved.Succeeded, approved.ErrorKey);
        var published = await scope.ServiceProvider.GetRequiredService<PublishBatch>().HandleAsync(new PublishBatchRequest(imported.BatchId, approver));
        Assert.True(published.Succeeded, published.ErrorKey);
    }

    private static string Row(string ticket, string type, string id, string name, string subject, string score, string email, string mobile) =>
        string.Join(',', ticket, type, id, name, "11", "S01", subject, score, "normal", email, mobile) + "\n";

    private async Task<string> SaveAsync(string name, string text)
    {
        Directory.CreateDirectory(Portal.Directory);
        var path = Path.Combine(Portal.Directory, name);
        await File.WriteAllTextAsync(path, text, new UTF8Encoding(false));
        return path;
    }

    public async Task DisposeAsync()
    {
        await Portal.DisposeAsync();
        try { Directory.Delete(Folder, recursive: true); } catch (DirectoryNotFoundException) { }
    }

    /// <summary>Posts a callback signed as the gateway would (or not: <paramref name="secret"/>, <paramref name="at"/>).</summary>
    public static Task<HttpResponseMessage> SendAsync(PortalFactory portal, DateTimeOffset now, string from, string text,
        string secret = Secret, DateTimeOffset? at = null) =>
        SendSignedAsync(portal, Body(from, text), (at ?? now).ToUnixTimeSeconds(), secret);

    public Task<HttpResponseMessage> SendAsync(string from, string text, string secret = Secret, DateTimeOffset? at = null) =>
        SendAsync(Portal, Portal.Clock.GetUtcNow(), from, text, secret, at);

    public static byte[] Body(string from, string text) =>
        JsonSerializer.SerializeToUtf8Bytes(new { from, text, id = Guid.NewGuid().ToString("N") });

    public static async Task<HttpResponseMessage> SendSignedAsync(PortalFactory portal, byte[] body, long timestamp, string secret,
        string? signature = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/sms/inbound") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(SmsCallback.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(SmsCallback.SignatureHeader, signature ?? SmsCallback.Sign(secret, timestamp, body));
        using var client = portal.CreateClient();
        return await client.SendAsync(request);
    }

    /// <summary>The callback's answer to the gateway: replied, limited, capped, unreadable.</summary>
    public static async Task<string> StatusAsync(HttpResponseMessage response)
    {
        using (response)
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return json.RootElement.GetProperty("status").GetString()!;
        }
    }

    /// <summary>Every message the Folder adapter wrote, after the outbox has delivered what was pending.</summary>
    public static async Task<IReadOnlyList<FolderSms>> SentAsync(PortalFactory portal)
    {
        await portal.RunOutboxPassAsync();
        return await portal.Services.GetRequiredService<SmsFolder>().ReadAsync(10_000);
    }

    public Task<IReadOnlyList<FolderSms>> SentAsync() => SentAsync(Portal);

    public static async Task<List<AuditEntry>> AuditAsync(PortalFactory portal, string action)
    {
        await portal.Services.GetRequiredService<AuditLog>().SealAsync();
        await using var db = await ImportTestData.CreateDbAsync(portal);
        return await db.AuditEntries.AsNoTracking().Where(e => e.Action == action).OrderBy(e => e.Sequence).ToListAsync();
    }
}
