using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Platform.Outbox;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Outbox;

/// <summary>The outbox on a real SQLite file, delivering over real SMTP to the test listener.</summary>
public sealed class OutboxTests(OutboxTests.Portal portal) : IClassFixture<OutboxTests.Portal>
{
    /// <summary>
    /// Polling is an hour here: a message that arrives within seconds was delivered because its commit woke the
    /// worker, not because a poll happened to come by.
    /// </summary>
    public sealed class Portal : PortalFactory
    {
        protected override void ConfigureSettings(IDictionary<string, string?> settings) =>
            settings["Outbox:PollInterval"] = "01:00:00";
    }

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static string NewAddress() => $"outbox-{Guid.NewGuid():N}@example.org";

    [Fact]
    public async Task Enqueued_email_goes_out_over_smtp_as_soon_as_its_save_commits()
    {
        var address = NewAddress();
        await using (var db = await NewContextAsync())
        {
            db.EnqueueEmail(new EmailMessage(address, "考试成绩通知 Score notice", "正文 text body 123456", "<p>正文 html</p>"));
            await db.SaveChangesAsync();
        }

        // Well within the worker's one-hour poll interval: the commit woke it (30 s leaves room for a loaded CI machine).
        var mail = await portal.Mailbox.WaitForMessageToAsync(address, TimeSpan.FromSeconds(30));

        Assert.Equal("考试成绩通知 Score notice", mail.Subject);
        Assert.Equal("正文 text body 123456", mail.TextBody?.TrimEnd());
        Assert.Contains("<p>正文 html</p>", mail.HtmlBody ?? "");
        Assert.Equal("noreply@scoreportal.test", mail.From.Mailboxes.Single().Address);
        // The SMTP server has the message before the worker records the delivery: wait for that record, not a moment.
        OutboxMessage? row = null;
        await portal.WaitForOutboxAsync(async () =>
        {
            await using var check = await NewContextAsync();
            row = (await check.OutboxMessages.AsNoTracking().ToListAsync()).Single(m => m.Payload.Contains(address, StringComparison.Ordinal));
            return row.DeliveredAt is not null;
        });
        Assert.Equal(OutboxKinds.Email, row!.Kind);
        Assert.NotNull(row.DeliveredAt);
        Assert.Null(row.LastError);
        Assert.StartsWith($"outbox-{row.Id}.", mail.MessageId);
        Assert.Equal(1, row.AttemptCount);
        Assert.Null(row.LeaseId);
        Assert.NotEqual(default, row.CreatedAt);
    }

    [Fact]
    public async Task A_message_enqueued_in_a_transaction_that_rolls_back_is_never_stored_nor_sent()
    {
        var committed = NewAddress();
        var rolledBack = NewAddress();
        await using (var db = await NewContextAsync())
        {
            await db.InTransactionAsync(async (transaction, ct) =>
            {
                db.EnqueueEmail(new EmailMessage(rolledBack, "rolled back", "never sent"));
                await db.SaveChangesAsync(ct);
                await transaction.RollbackAsync(ct);
            }, CancellationToken.None);
            db.ChangeTracker.Clear();
            await db.InTransactionAsync(async (transaction, ct) =>
            {
                db.EnqueueEmail(new EmailMessage(committed, "committed", "sent"));
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
            }, CancellationToken.None);
        }

        // The committed message passes through the same worker after the rolled-back one would have.
        await portal.Mailbox.WaitForMessageToAsync(committed, Wait);
        await using var check = await NewContextAsync();
        var payloads = (await check.OutboxMessages.AsNoTracking().Select(m => m.Payload).ToListAsync());
        Assert.DoesNotContain(payloads, p => p.Contains(rolledBack, StringComparison.Ordinal));
        Assert.Contains(payloads, p => p.Contains(committed, StringComparison.Ordinal));
        Assert.Empty(portal.Mailbox.MessagesTo(rolledBack));
    }

    [Fact]
    public async Task The_payload_column_holds_ciphertext_not_the_address_or_the_code()
    {
        var address = NewAddress();
        const string code = "482915";
        long id;
        await using (var db = await NewContextAsync())
        {
            var message = db.EnqueueEmail(new EmailMessage(address, "验证码", $"您的验证码是 {code}。" + new string('长', 3000)));
            await db.SaveChangesAsync();
            id = message.Id;
        }
        await portal.Mailbox.WaitForMessageToAsync(address, Wait);

        await using var connection = new SqliteConnection(portal.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT Payload FROM OutboxMessages WHERE Id = $id";
        command.Parameters.AddWithValue("$id", id);
        var stored = (string)(await command.ExecuteScalarAsync())!;

        Assert.StartsWith("t1:", stored);
        Assert.DoesNotContain(address, stored, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("outbox-", stored, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(code, stored, StringComparison.Ordinal);
        // A long body (over the 1,024 characters of other encrypted columns) is stored whole.
        Assert.True(stored.Length > 9000, $"ciphertext of {stored.Length} characters");
    }

    [Fact]
    public async Task Two_workers_racing_over_the_same_messages_deliver_each_exactly_once()
    {
        var addresses = Enumerable.Range(0, 24).Select(_ => NewAddress()).ToList();
        var first = NewWorker();
        var second = NewWorker();
        // The commit wakes the hosted worker too, so three workers race for the same rows.
        await using (var db = await NewContextAsync())
        {
            foreach (var address in addresses) db.EnqueueEmail(new EmailMessage(address, "race", "one copy only"));
            await db.SaveChangesAsync();
        }

        var results = await Task.WhenAll(
            Task.Run(() => first.DeliverDueAsync(CancellationToken.None)),
            Task.Run(() => second.DeliverDueAsync(CancellationToken.None)));
        await portal.WaitForOutboxAsync(async () =>
        {
            await using var check = await NewContextAsync();
            var payloads = await check.OutboxMessages.AsNoTracking().Where(m => m.DeliveredAt != null).Select(m => m.Payload).ToListAsync();
            return addresses.All(a => payloads.Any(p => p.Contains(a, StringComparison.Ordinal)));
        });
        // A pass that was under way when the last row was marked has finished too: nothing is in flight any more.
        await portal.RunOutboxPassAsync();

        Assert.All(addresses, a => Assert.Single(portal.Mailbox.MessagesTo(a)));
        Assert.True(results.Sum() <= addresses.Count);
    }

    [Fact]
    public async Task A_message_the_server_refuses_for_good_is_dead_at_once_and_its_error_names_no_address()
    {
        await using (var db = await NewContextAsync())
        {
            db.EnqueueEmail(new EmailMessage("not an address", "dead", "never"));
            await db.SaveChangesAsync();
        }

        OutboxMessage? dead = null;
        await portal.WaitForOutboxAsync(async () =>
        {
            await using var check = await NewContextAsync();
            dead = (await check.OutboxMessages.AsNoTracking().Where(m => m.FailedAt != null).ToListAsync())
                .SingleOrDefault(m => m.Payload.Contains("not an address", StringComparison.Ordinal));
            return dead is not null;
        });

        Assert.Equal(1, dead!.AttemptCount);
        Assert.Null(dead.DeliveredAt);
        Assert.Equal("The recipient is not a valid address.", dead.LastError);
    }

    private async Task<ScorePortalDbContext> NewContextAsync() =>
        await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();

    private OutboxWorker NewWorker() => ActivatorUtilities.CreateInstance<OutboxWorker>(portal.Services);
}
