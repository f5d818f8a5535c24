using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScorePortal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CandidateAreaAndReports : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ReportIssues_CandidateId",
                table: "ReportIssues");

            migrationBuilder.DropIndex(
                name: "IX_ReportIssues_RegistrationId",
                table: "ReportIssues");

            migrationBuilder.RenameColumn(
                name: "RevokedAt",
                table: "ReportIssues",
                newName: "EndedAt");

            migrationBuilder.RenameColumn(
                name: "ContentSha256",
                table: "ReportIssues",
                newName: "RecordVersion");

            migrationBuilder.AddColumn<string>(
                name: "Culture",
                table: "ReportIssues",
                type: "TEXT",
                unicode: false,
                maxLength: 8,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<byte[]>(
                name: "EncryptedFile",
                table: "ReportIssues",
                type: "BLOB",
                nullable: false,
                defaultValue: new byte[0]);

            migrationBuilder.AddColumn<byte[]>(
                name: "EncryptedSnapshot",
                table: "ReportIssues",
                type: "BLOB",
                nullable: false,
                defaultValue: new byte[0]);

            migrationBuilder.AddColumn<string>(
                name: "FileSha256",
                table: "ReportIssues",
                type: "TEXT",
                unicode: false,
                fixedLength: true,
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "Status",
                table: "ReportIssues",
                type: "TEXT",
                unicode: false,
                maxLength: 16,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "LinkedAt",
                table: "Candidates",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "OneTimeCodes",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    Purpose = table.Column<string>(type: "TEXT", unicode: false, maxLength: 64, nullable: false),
                    Salt = table.Column<byte[]>(type: "BLOB", maxLength: 16, nullable: false),
                    CodeHash = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    UsedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OneTimeCodes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_OneTimeCodes_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ReportIssues_CandidateId_Status",
                table: "ReportIssues",
                columns: new[] { "CandidateId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_ReportIssues_FileSha256",
                table: "ReportIssues",
                column: "FileSha256");

            migrationBuilder.CreateIndex(
                name: "IX_ReportIssues_RegistrationId_Status",
                table: "ReportIssues",
                columns: new[] { "RegistrationId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_OneTimeCodes_UserId_Purpose",
                table: "OneTimeCodes",
                columns: new[] { "UserId", "Purpose" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "OneTimeCodes");

            migrationBuilder.DropIndex(
                name: "IX_ReportIssues_CandidateId_Status",
                table: "ReportIssues");

            migrationBuilder.DropIndex(
                name: "IX_ReportIssues_FileSha256",
                table: "ReportIssues");

            migrationBuilder.DropIndex(
                name: "IX_ReportIssues_RegistrationId_Status",
                table: "ReportIssues");

            migrationBuilder.DropColumn(
                name: "Culture",
                table: "ReportIssues");

            migrationBuilder.DropColumn(
                name: "EncryptedFile",
                table: "ReportIssues");

            migrationBuilder.DropColumn(
                name: "EncryptedSnapshot",
                table: "ReportIssues");

            migrationBuilder.DropColumn(
                name: "FileSha256",
                table: "ReportIssues");

            migrationBuilder.DropColumn(
                name: "Status",
                table: "ReportIssues");

            migrationBuilder.DropColumn(
                name: "LinkedAt",
                table: "Candidates");

            migrationBuilder.RenameColumn(
                name: "RecordVersion",
                table: "ReportIssues",
                newName: "ContentSha256");

            migrationBuilder.RenameColumn(
                name: "EndedAt",
                table: "ReportIssues",
                newName: "RevokedAt");

            migrationBuilder.CreateIndex(
                name: "IX_ReportIssues_CandidateId",
                table: "ReportIssues",
                column: "CandidateId");

            migrationBuilder.CreateIndex(
                name: "IX_ReportIssues_RegistrationId",
                table: "ReportIssues",
                column: "RegistrationId");
        }
    }
}
