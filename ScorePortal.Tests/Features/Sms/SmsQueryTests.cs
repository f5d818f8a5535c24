using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Features.Batches;
using ScorePortal.Features.Sms;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Platform.Notices.Sms;
using ScorePortal.Security;
using ScorePortal.Tests.Features.Batches;

namespace ScorePortal.Tests.Features.Sms;

/// <summary>The SMS query through HTTP with signed callbacks, against one published session (<see cref="SmsPortal"/>).</summary>
public sealed class SmsQueryTests(SmsPortal fixture) : IClassFixture<SmsPortal>
{
    private string Fixed => fixture.Portal.Services.GetRequiredService<SmsReplyText>().Fixed();

    [Fact]
    public async Task The_registered_mobile_gets_the_latest_released_sessions_subjects_and_outcome()
    {
        var before = await fixture.SentAsync();

        Assert.Equal("replied", await SmsPortal.StatusAsync(await fixture.SendAsync("13800138000", "RKCX+" + SmsPortal.WangId)));

        var reply = Assert.Single((await fixture.SentAsync()).Except(before));
        Assert.Equal(SmsPortal.WangMobile, reply.To);
        Assert.Contains("信息系统项目管理师", reply.Body);
        Assert.Contains("综合知识50分合格", reply.Body);
        Assert.Contains("案例分析46分合格", reply.Body);
        Assert.Contains("论文30分不合格", reply.Body);
        Assert.Contains("资格未通过", reply.Body);
        Assert.DoesNotContain(SmsPortal.WangId, reply.Body);
        Assert.True(SmsLength.Parts(reply.Body) <= 2);
    }

    [Fact]
    public async Task A_passport_holder_gets_the_reply_in_english_on_the_registered_mobile()
    {
        var before = await fixture.SentAsync();

        Assert.Equal("replied", await SmsPortal.StatusAsync(await fixture.SendAsync("+44 7911 123456", "rkcx " + SmsPortal.MariaPassport.ToLowerInvariant())));

        var reply = Assert.Single((await fixture.SentAsync()).Except(before));
        Assert.Equal(SmsPortal.MariaMobile, reply.To);
        Assert.Contains("Information Systems Project Manager", reply.Body);
        Assert.Contains("Comprehensive Knowledge 52 pass", reply.Body);
        Assert.Contains("Qualification passed", reply.Body);
    }

    [Fact]
    public async Task Another_number_an_unknown_id_and_a_bad_format_get_the_same_fixed_reply_and_only_the_writer_is_sent_anything()
    {
        var before = await fixture.SentAsync();
        string[] strangers = ["+8613900139001", "+8613900139002", "+8613900139003", "+8613900139004"];

        // Another number for a known ID; a known ID with no registered mobile; an unknown ID; no query at all.
        Assert.Equal("replied", await SmsPortal.StatusAsync(await fixture.SendAsync(strangers[0], "RKCX+" + SmsPortal.WangId)));
        Assert.Equal("replied", await SmsPortal.StatusAsync(await fixture.SendAsync(strangers[1], "RKCX+" + SmsPortal.LiId)));
        Assert.Equal("replied", await SmsPortal.StatusAsync(await fixture.SendAsync(strangers[2], "RKCX+" + ResultsFile.ResidentId(777, "310101"))));
        Assert.Equal("replied", await SmsPortal.StatusAsync(await fixture.SendAsync(strangers[3], "score please " + SmsPortal.WangId)));

        var sent = (await fixture.SentAsync()).Except(before).ToList();
        Assert.Equal(strangers.Order(), sent.Select(s => s.To).Order());
        Assert.All(sent, s => Assert.Equal(Fixed, s.Body));
        Assert.DoesNotContain(sent, s => s.To == SmsPortal.WangMobile);
    }

    [Theory]
    [InlineData("RKCX+{0}")]
    [InlineData("RKCX {0}")]
    [InlineData("rkcx+{0}")]
    [InlineData("RKCX＋{0}")]
    [InlineData("ＲＫＣＸ＋{0}")]
    [InlineData("  RKCX + {0}  ")]
    [InlineData("Rkcx\u3000{0}")]
    public async Task Every_way_of_writing_the_query_is_understood(string pattern)
    {
        var before = await fixture.SentAsync();
        // The ID in full-width digits, as some phones' Chinese keyboards type it.
        var fullWidth = string.Concat(SmsPortal.WangId.Select(c => char.IsAsciiDigit(c) ? (char)(c - '0' + '０') : c));

        Assert.Equal("replied", await SmsPortal.StatusAsync(await fixture.SendAsync("13800138000", string.Format(pattern, fullWidth))));

        var reply = Assert.Single((await fixture.SentAsync()).Except(before));
        Assert.Contains("综合知识50分合格", reply.Body);
    }

    [Theory]
    [InlineData("RKCX")]
    [InlineData("RKCX+")]
    [InlineData("RKC+110105199001010010")]
    [InlineData("RKCX+1234")]
    [InlineData("RKCX+110105199001010010 please")]
    [InlineData("CXRK+110105199001010010")]
    [InlineData("")]
    public void A_text_that_is_not_a_query_names_no_id(string text) => Assert.Empty(SmsQueryText.Parse(text));

    [Fact]
    public async Task Forged_callbacks_are_refused_and_audited()
    {
        var now = fixture.Portal.Clock.GetUtcNow();
        var body = SmsPortal.Body(SmsPortal.WangMobile, "RKCX+" + SmsPortal.WangId);
        var before = await fixture.SentAsync();
        var audited = (await SmsPortal.AuditAsync(fixture.Portal, AuditActions.SmsCallbackRefused)).Count;

        using (var wrongSecret = await SmsPortal.SendSignedAsync(fixture.Portal, body, now.ToUnixTimeSeconds(), "another-secret-of-at-least-32-characters"))
            Assert.Equal(HttpStatusCode.Unauthorized, wrongSecret.StatusCode);
        using (var unsigned = await SmsPortal.SendSignedAsync(fixture.Portal, body, now.ToUnixTimeSeconds(), SmsPortal.Secret, signature: "none"))
            Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        // A body changed after signing.
        var signature = SmsCallback.Sign(SmsPortal.Secret, now.ToUnixTimeSeconds(), body);
        var tampered = SmsPortal.Body("+8613900139999", "RKCX+" + SmsPortal.WangId);
        using (var changed = await SmsPortal.SendSignedAsync(fixture.Portal, tampered, now.ToUnixTimeSeconds(), SmsPortal.Secret, signature))
            Assert.Equal(HttpStatusCode.Unauthorized, changed.StatusCode);
        // Properly signed, but ten minutes old (the window is five).
        using (var stale = await SmsPortal.SendSignedAsync(fixture.Portal, body, now.AddMinutes(-10).ToUnixTimeSeconds(), SmsPortal.Secret))
            Assert.Equal(HttpStatusCode.Forbidden, stale.StatusCode);
        // Received once, then played again.
        var replayed = SmsPortal.Body("+8613900139998", "hello");
        Assert.Equal("replied", await SmsPortal.StatusAsync(await SmsPortal.SendSignedAsync(fixture.Portal, replayed, now.ToUnixTimeSeconds(), SmsPortal.Secret)));
        using (var again = await SmsPortal.SendSignedAsync(fixture.Portal, replayed, now.ToUnixTimeSeconds(), SmsPortal.Secret))
            Assert.Equal(HttpStatusCode.Forbidden, again.StatusCode);

        var refusals = (await SmsPortal.AuditAsync(fixture.Portal, AuditActions.SmsCallbackRefused)).Skip(audited).ToList();
        Assert.Equal(["bad-signature", "unsigned", "bad-signature", "stale", "replay"],
            refusals.Select(e => System.Text.Json.JsonDocument.Parse(e.DataJson).RootElement.GetProperty("reason").GetString()));
        // Only the one authentic callback was answered, and to its own sender.
        var sent = Assert.Single((await fixture.SentAsync()).Except(before));
        Assert.Equal("+8613900139998", sent.To);
    }

    [Fact]
    public async Task A_flood_from_one_number_is_answered_up_to_its_daily_limit_only()
    {
        const string flooder = "+8613700137000";
        var before = await fixture.SentAsync();

        var statuses = new List<string>();
        for (var i = 0; i < SmsPortal.PerNumberPerDay + 3; i++)
            statuses.Add(await SmsPortal.StatusAsync(await fixture.SendAsync(flooder, "RKCX+" + SmsPortal.WangId)));

        Assert.Equal(Enumerable.Repeat("replied", SmsPortal.PerNumberPerDay).Concat(Enumerable.Repeat("limited", 3)), statuses);
        Assert.Equal(SmsPortal.PerNumberPerDay, (await fixture.SentAsync()).Except(before).Count(s => s.To == flooder));
        var limited = (await SmsPortal.AuditAsync(fixture.Portal, AuditActions.SmsInbound)).Count(e => e.DataJson.Contains("\"limited\""));
        Assert.True(limited >= 3);
    }

    [Fact]
    public async Task Every_message_is_audited_without_its_number_or_text()
    {
        Assert.Equal("replied", await SmsPortal.StatusAsync(await fixture.SendAsync("13800138000", "RKCX+" + SmsPortal.WangId)));
        await fixture.SentAsync();

        var inbound = await SmsPortal.AuditAsync(fixture.Portal, AuditActions.SmsInbound);
        var sends = await SmsPortal.AuditAsync(fixture.Portal, AuditActions.SmsSend);
        Assert.Contains(inbound, e => e.DataJson.Contains("\"answered\"") && e.TargetType == nameof(Candidate));
        Assert.NotEmpty(sends);
        foreach (var entry in inbound.Concat(sends))
        {
            var text = entry.DataJson + entry.TargetId;
            Assert.DoesNotContain(SmsPortal.WangId, text);
            Assert.DoesNotContain("13800138000", text);
            Assert.DoesNotContain("RKCX", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("综合知识", text);
        }
    }

    [Fact]
    public void An_import_with_an_invalid_mobile_is_refused_naming_its_row()
    {
        var refused = Assert.IsType<ImportOutcome.Refused>(fixture.BadMobileImport);
        var error = Assert.Single(refused.FirstErrors);
        Assert.Equal((3, BatchFile.Mobile, "Sms.Import.MobileFormat"), (error.Line, error.Column, error.Key));
    }

    [Fact]
    public async Task Imported_mobiles_are_stored_in_e164_encrypted_and_found_by_their_blind_index()
    {
        var blindIndex = fixture.Portal.Services.GetRequiredService<BlindIndex>();
        await using var db = await ImportTestData.CreateDbAsync(fixture.Portal);

        var wang = await db.Candidates.AsNoTracking().SingleAsync(c => c.MobileIndex == blindIndex.ComputeMobile(SmsPortal.WangMobile));
        Assert.Equal(SmsPortal.WangMobile, wang.Mobile);
        Assert.Equal(blindIndex.Compute(IdType.ResidentId, SmsPortal.WangId), wang.IdNumberIndex);
        var maria = await db.Candidates.AsNoTracking().SingleAsync(c => c.MobileIndex == blindIndex.ComputeMobile(SmsPortal.MariaMobile));
        Assert.Equal(SmsPortal.MariaMobile, maria.Mobile);
        // A row without a mobile stores none.
        var li = await db.Candidates.AsNoTracking().SingleAsync(c => c.IdNumberIndex == blindIndex.Compute(IdType.ResidentId, SmsPortal.LiId));
        Assert.Null(li.Mobile);
        Assert.Null(li.MobileIndex);

        // On disk the column holds ciphertext, not the number.
        await using var connection = new SqliteConnection(fixture.Portal.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT Mobile FROM Candidates WHERE Id = $id";
        command.Parameters.AddWithValue("$id", wang.Id);
        var stored = (string)(await command.ExecuteScalarAsync())!;
        Assert.DoesNotContain("13800138000", stored);
    }

    [Theory]
    [InlineData("13800138000", "+8613800138000")]
    [InlineData("138 0013 8000", "+8613800138000")]
    [InlineData("+86 138-0013-8000", "+8613800138000")]
    [InlineData("008613800138000", "+8613800138000")]
    [InlineData("8613800138000", "+8613800138000")]
    [InlineData("１３８００１３８０００", "+8613800138000")]
    [InlineData("+44 7911 123456", "+447911123456")]
    [InlineData("12345", null)]
    [InlineData("not a number", null)]
    [InlineData("", null)]
    public void Mobiles_are_normalized_to_e164_with_china_as_the_default_region(string typed, string? expected) =>
        Assert.Equal(expected, CandidateMobile.Normalize(typed));

    [Fact]
    public async Task The_longest_names_of_the_catalog_fit_in_two_messages_with_every_subject_named_in_both_languages()
    {
        var replies = fixture.Portal.Services.GetRequiredService<SmsReplyText>();
        await using var db = await ImportTestData.CreateDbAsync(fixture.Portal);
        var qualifications = await db.Qualifications.AsNoTracking().ToListAsync();
        var subjects = await db.Subjects.AsNoTracking().ToListAsync();
        var sessions = await db.ExamSessions.AsNoTracking().ToListAsync();
        var longestSessionZh = sessions.MaxBy(s => s.NameZh.Length)!.NameZh;
        var longestSessionEn = sessions.MaxBy(s => s.NameEn.Length)!.NameEn;
        Assert.NotEmpty(qualifications);

        foreach (var q in qualifications)
        {
            var own = subjects.Where(s => s.QualificationId == q.Id).ToList();
            // Every subject failed with the widest score (e.g. 74.5): the longest text each subject can take.
            var lines = own.Select(s => new ScorePortal.Features.Results.SubjectLine(s.NameZh, s.NameEn, 74.5m, ScoreStatus.Normal, 150, 100, false)).ToList();
            var sheet = new ScorePortal.Features.Results.ResultSheet("王明", "1101**********0010", longestSessionZh, longestSessionEn,
                q.NameZh, q.NameEn, "高级", "Senior", "T-1", lines, [], null, 2);

            var zh = replies.Result(sheet, "zh-CN");
            Assert.True(zh.Length <= SmsLength.Ucs2TwoParts, $"{q.Code} zh: {zh.Length} characters");
            Assert.All(own, s => Assert.Contains(s.NameZh + "74.5分不合格", zh));
            Assert.Contains(q.NameZh, zh);

            var en = replies.Result(sheet, "en-US");
            Assert.True(SmsLength.Parts(en) <= 2, $"{q.Code} en: {en.Length} characters");
            Assert.All(own, s => Assert.Contains(s.NameEn + " 74.5 fail", en));
        }
    }

    [Fact]
    public void Chinese_text_counts_70_to_a_message_and_134_to_two()
    {
        Assert.Equal(1, SmsLength.Parts(new string('成', 70)));
        Assert.Equal(2, SmsLength.Parts(new string('成', 71)));
        Assert.Equal(2, SmsLength.Parts(new string('成', 134)));
        Assert.Equal(3, SmsLength.Parts(new string('成', 135)));
        Assert.Equal(1, SmsLength.Parts(new string('a', 160)));
        Assert.Equal(2, SmsLength.Parts(new string('a', 161)));
    }

    [Theory]
    [InlineData("zh-CN", "开发用短信发件箱")]
    [InlineData("en-US", "Development SMS outbox")]
    public async Task The_development_outbox_page_shows_the_messages_in_both_languages(string culture, string title)
    {
        Assert.Equal("replied", await SmsPortal.StatusAsync(await fixture.SendAsync("+8613600136000", "hello")));
        await fixture.SentAsync();
        using var client = fixture.Portal.CreateClient();

        var page = WebUtility.HtmlDecode(await client.GetStringAsync("/dev/sms?culture=" + culture));

        Assert.Contains(title, page);
        Assert.Contains("+8613600136000", page);
        Assert.Contains("data-testid=\"sms-row\"", page);
    }
}
