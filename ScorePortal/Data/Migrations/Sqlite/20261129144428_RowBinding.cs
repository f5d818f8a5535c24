using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScorePortal.Data.Migrations.Sqlite
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
                type: "TEXT",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.AddColumn<Guid>(
                name: "RowKey",
                table: "ReviewRequests",
                type: "TEXT",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.AddColumn<Guid>(
                name: "RowKey",
                table: "OutboxMessages",
                type: "TEXT",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.AddColumn<Guid>(
                name: "RowKey",
                table: "ExpertMarks",
                type: "TEXT",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.AddColumn<Guid>(
                name: "RowKey",
                table: "Candidates",
                type: "TEXT",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            // Rows from before: each gets its own key (their values, bound to the column only, open while
            // Security:AcceptUnboundFieldValues is set, until rotate-keys rewrites them bound to this key).
            foreach (var table in new[] { "Candidates", "SubjectScores", "ReviewRequests", "ExpertMarks", "OutboxMessages" })
                migrationBuilder.Sql($"UPDATE \"{table}\" SET \"RowKey\" = hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-' || hex(randomblob(2)) || '-' || hex(randomblob(2)) || '-' || hex(randomblob(6));");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // SQLite's own DROP COLUMN (3.35+; RowKey is not indexed, keyed or constrained): EF's DropColumn rebuilds
            // each table with foreign keys off, outside the transaction.
            foreach (var table in new[] { "SubjectScores", "ReviewRequests", "OutboxMessages", "ExpertMarks", "Candidates" })
                migrationBuilder.Sql($"ALTER TABLE \"{table}\" DROP COLUMN \"RowKey\";");
        }
    }
}
