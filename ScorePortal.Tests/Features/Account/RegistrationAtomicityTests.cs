using System.Data.Common;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Account;

/// <summary>Registration writes the account and its confirmation email together, or neither.</summary>
public sealed class RegistrationAtomicityTests(RegistrationAtomicityTests.Portal portal) : IClassFixture<RegistrationAtomicityTests.Portal>
{
    /// <summary>A portal whose database can be made to fail exactly when the outbox row is written.</summary>
    public sealed class Portal : PortalFactory
    {
        public OutboxInsertFailure Failure { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services =>
                services.ConfigureDbContext<SqliteScorePortalDbContext>((_, options) => options.AddInterceptors(Failure)));
        }
    }

    /// <summary>Stands for a crash or a lost connection between writing the user and writing its email.</summary>
    public sealed class OutboxInsertFailure : DbCommandInterceptor
    {
        public volatile bool Armed;

        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            ThrowIfOutboxInsert(command);
            return result;
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            ThrowIfOutboxInsert(command);
            return ValueTask.FromResult(result);
        }

        private void ThrowIfOutboxInsert(DbCommand command)
        {
            if (Armed && command.CommandText.Contains("INSERT INTO \"OutboxMessages\"", StringComparison.Ordinal))
                throw new InvalidOperationException("Simulated failure while writing the outbox row.");
        }
    }

    [Fact]
    public async Task When_the_confirmation_email_cannot_be_written_no_account_is_left_behind()
    {
        var email = $"atomic-{Guid.NewGuid():N}@example.org";
        using var client = new BrowserlessClient(portal);

        portal.Failure.Armed = true;
        try
        {
            using var failed = await RegisterAsync(client, email);
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        }
        finally
        {
            portal.Failure.Armed = false;
        }

        Assert.Null(await FindAsync(email));
        await portal.RunOutboxPassAsync();
        Assert.Empty(portal.Mailbox.MessagesTo(email));

        // The address is free: registering again creates the account and mails it.
        using var registered = await RegisterAsync(client, email);
        Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
        Assert.NotNull(await FindAsync(email));
        await portal.Mailbox.WaitForMessageToAsync(email, TimeSpan.FromSeconds(10));
    }

    private static Task<HttpResponseMessage> RegisterAsync(BrowserlessClient client, string email) =>
        client.SubmitAsync("/Account/Register", "register", new Dictionary<string, string>
        {
            ["Input.AcceptNotice"] = "true",
            ["Input.Email"] = email,
            ["Input.Password"] = "correct horse 42",
            ["Input.ConfirmPassword"] = "correct horse 42",
        });

    private async Task<ApplicationUser?> FindAsync(string email)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(email);
    }
}
