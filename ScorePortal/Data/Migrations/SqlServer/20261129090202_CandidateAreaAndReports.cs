using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScorePortal.Data.Migrations.SqlServer
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

            migrationBuilder.AlterColumn<string>(
                name: "VerificationCode",
                table: "ReportIssues",
                type: "char(20)",
                unicode: false,
                fixedLength: true,
                maxLength: 20,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "varchar(32)",
                oldUnicode: false,
                oldMaxLength: 32);

            migrationBuilder.AddColumn<string>(
                name: "Culture",
                table: "ReportIssues",
                type: "varchar(8)",
                unicode: false,
                maxLength: 8,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<byte[]>(
                name: "EncryptedFile",
                table: "ReportIssues",
                type: "varbinary(max)",
                nullable: false,
                defaultValue: new byte[0]);

            migrationBuilder.AddColumn<byte[]>(
                name: "EncryptedSnapshot",
                table: "ReportIssues",
                type: "varbinary(max)",
                nullable: false,
                defaultValue: new byte[0]);

            migrationBuilder.AddColumn<string>(
                name: "FileSha256",
                table: "ReportIssues",
                type: "char(64)",
                unicode: false,
                fixedLength: true,
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "Status",
                table: "ReportIssues",
                type: "varchar(16)",
                unicode: false,
                maxLength: 16,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "LinkedAt",
                table: "Candidates",
                type: "datetimeoffset",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "OneTimeCodes",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    UserId = table.Column<string>(type: "nvarchar(450)", maxLength: 450, nullable: false),
                    Purpose = table.Column<string>(type: "varchar(64)", unicode: false, maxLength: 64, nullable: false),
                    Salt = table.Column<byte[]>(type: "varbinary(16)", maxLength: 16, nullable: false),
                    CodeHash = table.Column<byte[]>(type: "varbinary(32)", maxLength: 32, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    Attempts = table.Column<int>(type: "int", nullable: false),
                    UsedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true)
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

            migrationBuilder.AlterColumn<string>(
                name: "VerificationCode",
                table: "ReportIssues",
                type: "varchar(32)",
                unicode: false,
                maxLength: 32,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "char(20)",
                oldUnicode: false,
                oldFixedLength: true,
                oldMaxLength: 20);

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
