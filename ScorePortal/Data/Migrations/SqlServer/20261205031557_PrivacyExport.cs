using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScorePortal.Data.Migrations.SqlServer
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
                    Id = table.Column<int>(type: "int", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    SubjectUserId = table.Column<string>(type: "nvarchar(450)", maxLength: 450, nullable: true),
                    SubjectCandidateId = table.Column<int>(type: "int", nullable: true),
                    RequestedByUserId = table.Column<string>(type: "nvarchar(450)", maxLength: 450, nullable: false),
                    ForRequest = table.Column<bool>(type: "bit", nullable: false),
                    Culture = table.Column<string>(type: "varchar(8)", unicode: false, maxLength: 8, nullable: false),
                    Status = table.Column<string>(type: "varchar(16)", unicode: false, maxLength: 16, nullable: false),
                    RequestedAt = table.Column<long>(type: "bigint", nullable: false),
                    ReadyAt = table.Column<long>(type: "bigint", nullable: true),
                    ExpiresAt = table.Column<long>(type: "bigint", nullable: true),
                    RemoveAt = table.Column<long>(type: "bigint", nullable: false),
                    ClaimedUntil = table.Column<long>(type: "bigint", nullable: true),
                    Attempts = table.Column<int>(type: "int", nullable: false),
                    SealedJson = table.Column<byte[]>(type: "varbinary(max)", nullable: true),
                    SealedPdf = table.Column<byte[]>(type: "varbinary(max)", nullable: true)
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
