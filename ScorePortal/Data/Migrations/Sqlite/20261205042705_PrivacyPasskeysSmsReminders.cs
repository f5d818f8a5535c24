using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScorePortal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PrivacyPasskeysSmsReminders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "PayloadErasedAt",
                table: "OutboxMessages",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Mobile",
                table: "Candidates",
                type: "TEXT",
                unicode: false,
                maxLength: 1024,
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "MobileIndex",
                table: "Candidates",
                type: "BLOB",
                fixedLength: true,
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ClosedAt",
                table: "AspNetUsers",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "PrivacyNoticeAcceptedAt",
                table: "AspNetUsers",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "PrivacyNoticeVersion",
                table: "AspNetUsers",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "AspNetUserPasskeys",
                columns: table => new
                {
                    CredentialId = table.Column<byte[]>(type: "BLOB", maxLength: 1024, nullable: false),
                    UserId = table.Column<string>(type: "TEXT", nullable: false),
                    Data = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUserPasskeys", x => x.CredentialId);
                    table.ForeignKey(
                        name: "FK_AspNetUserPasskeys_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "DataCopies",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SubjectUserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true),
                    SubjectCandidateId = table.Column<int>(type: "INTEGER", nullable: true),
                    RequestedByUserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    ForRequest = table.Column<bool>(type: "INTEGER", nullable: false),
                    Culture = table.Column<string>(type: "TEXT", unicode: false, maxLength: 8, nullable: false),
                    Status = table.Column<string>(type: "TEXT", unicode: false, maxLength: 16, nullable: false),
                    RequestedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ReadyAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: true),
                    RemoveAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ClaimedUntil = table.Column<long>(type: "INTEGER", nullable: true),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    SealedJson = table.Column<byte[]>(type: "BLOB", nullable: true),
                    SealedPdf = table.Column<byte[]>(type: "BLOB", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DataCopies", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DataSecurityReports",
                columns: table => new
                {
                    Year = table.Column<int>(type: "INTEGER", nullable: false),
                    PublishedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    PublishedByUserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    FiguresJson = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DataSecurityReports", x => x.Year);
                });

            migrationBuilder.CreateTable(
                name: "ReminderRuns",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    EventId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ExamSessionId = table.Column<int>(type: "INTEGER", nullable: false),
                    BatchId = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Cursor = table.Column<long>(type: "INTEGER", nullable: false),
                    NextSendAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Queued = table.Column<int>(type: "INTEGER", nullable: false),
                    ExpandedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CancelledAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReminderRuns", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ReminderSubscriptions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ExamSessionId = table.Column<int>(type: "INTEGER", nullable: false),
                    EmailIndex = table.Column<byte[]>(type: "BLOB", fixedLength: true, maxLength: 32, nullable: false),
                    Culture = table.Column<string>(type: "TEXT", unicode: false, maxLength: 8, nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ConfirmationSentAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ConfirmedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    UnsubscribedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Email = table.Column<string>(type: "TEXT", unicode: false, maxLength: 1024, nullable: false),
                    RowKey = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReminderSubscriptions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ReminderSubscriptions_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_ReminderSubscriptions_ExamSessions_ExamSessionId",
                        column: x => x.ExamSessionId,
                        principalTable: "ExamSessions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ReminderSends",
                columns: table => new
                {
                    RunId = table.Column<long>(type: "INTEGER", nullable: false),
                    SubscriptionId = table.Column<long>(type: "INTEGER", nullable: false),
                    SentAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReminderSends", x => new { x.RunId, x.SubscriptionId });
                    table.ForeignKey(
                        name: "FK_ReminderSends_ReminderRuns_RunId",
                        column: x => x.RunId,
                        principalTable: "ReminderRuns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_ReminderSends_ReminderSubscriptions_SubscriptionId",
                        column: x => x.SubscriptionId,
                        principalTable: "ReminderSubscriptions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Candidates_MobileIndex",
                table: "Candidates",
                column: "MobileIndex");

            migrationBuilder.CreateIndex(
                name: "IX_AspNetUserPasskeys_UserId",
                table: "AspNetUserPasskeys",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_DataCopies_RemoveAt",
                table: "DataCopies",
                column: "RemoveAt");

            migrationBuilder.CreateIndex(
                name: "IX_DataCopies_RequestedByUserId_RequestedAt",
                table: "DataCopies",
                columns: new[] { "RequestedByUserId", "RequestedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_DataCopies_Status",
                table: "DataCopies",
                column: "Status");

            migrationBuilder.CreateIndex(
                name: "IX_ReminderRuns_EventId",
                table: "ReminderRuns",
                column: "EventId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ReminderRuns_ExamSessionId",
                table: "ReminderRuns",
                column: "ExamSessionId");

            migrationBuilder.CreateIndex(
                name: "IX_ReminderSends_SubscriptionId",
                table: "ReminderSends",
                column: "SubscriptionId");

            migrationBuilder.CreateIndex(
                name: "IX_ReminderSubscriptions_ExamSessionId_EmailIndex",
                table: "ReminderSubscriptions",
                columns: new[] { "ExamSessionId", "EmailIndex" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ReminderSubscriptions_ExamSessionId_Status_Id",
                table: "ReminderSubscriptions",
                columns: new[] { "ExamSessionId", "Status", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_ReminderSubscriptions_UserId",
                table: "ReminderSubscriptions",
                column: "UserId");

            // Accounts made before the privacy notice existed accepted none: version 0 asks them to accept the current one
            // at their next sign-in (Account/PrivacyNoticeGate); accounts made afterwards carry the version they accepted.
            migrationBuilder.Sql("UPDATE AspNetUsers SET PrivacyNoticeVersion = 0 WHERE PrivacyNoticeVersion IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AspNetUserPasskeys");

            migrationBuilder.DropTable(
                name: "DataCopies");

            migrationBuilder.DropTable(
                name: "DataSecurityReports");

            migrationBuilder.DropTable(
                name: "ReminderSends");

            migrationBuilder.DropTable(
                name: "ReminderRuns");

            migrationBuilder.DropTable(
                name: "ReminderSubscriptions");

            migrationBuilder.DropIndex(
                name: "IX_Candidates_MobileIndex",
                table: "Candidates");

            migrationBuilder.DropColumn(
                name: "PayloadErasedAt",
                table: "OutboxMessages");

            migrationBuilder.DropColumn(
                name: "Mobile",
                table: "Candidates");

            migrationBuilder.DropColumn(
                name: "MobileIndex",
                table: "Candidates");

            migrationBuilder.DropColumn(
                name: "ClosedAt",
                table: "AspNetUsers");

            migrationBuilder.DropColumn(
                name: "PrivacyNoticeAcceptedAt",
                table: "AspNetUsers");

            migrationBuilder.DropColumn(
                name: "PrivacyNoticeVersion",
                table: "AspNetUsers");
        }
    }
}
