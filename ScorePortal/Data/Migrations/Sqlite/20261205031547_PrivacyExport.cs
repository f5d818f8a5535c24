using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScorePortal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PrivacyExport : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
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
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DataCopies");
        }
    }
}
