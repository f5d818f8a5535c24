using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScorePortal.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class RowBinding : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "RowKey",
                table: "SubjectScores",
                type: "uniqueidentifier",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.AddColumn<Guid>(
                name: "RowKey",
                table: "ReviewRequests",
                type: "uniqueidentifier",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.AddColumn<Guid>(
                name: "RowKey",
                table: "OutboxMessages",
                type: "uniqueidentifier",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.AddColumn<Guid>(
                name: "RowKey",
                table: "ExpertMarks",
                type: "uniqueidentifier",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.AddColumn<Guid>(
                name: "RowKey",
                table: "Candidates",
                type: "uniqueidentifier",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            // Rows from before: each gets its own key (their values, bound to the column only, open while
            // Security:AcceptUnboundFieldValues is set, until rotate-keys rewrites them bound to this key).
            foreach (var table in new[] { "Candidates", "SubjectScores", "ReviewRequests", "ExpertMarks", "OutboxMessages" })
                migrationBuilder.Sql($"UPDATE [{table}] SET [RowKey] = NEWID();");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "RowKey",
                table: "SubjectScores");

            migrationBuilder.DropColumn(
                name: "RowKey",
                table: "ReviewRequests");

            migrationBuilder.DropColumn(
                name: "RowKey",
                table: "OutboxMessages");

            migrationBuilder.DropColumn(
                name: "RowKey",
                table: "ExpertMarks");

            migrationBuilder.DropColumn(
                name: "RowKey",
                table: "Candidates");
        }
    }
}
