using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScorePortal.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class PrivacyRetention : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "PayloadErasedAt",
                table: "OutboxMessages",
                type: "bigint",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "DataSecurityReports",
                columns: table => new
                {
                    Year = table.Column<int>(type: "int", nullable: false),
                    PublishedAt = table.Column<long>(type: "bigint", nullable: false),
                    PublishedByUserId = table.Column<string>(type: "nvarchar(450)", maxLength: 450, nullable: false),
                    FiguresJson = table.Column<string>(type: "nvarchar(max)", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DataSecurityReports", x => x.Year);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DataSecurityReports");

            migrationBuilder.DropColumn(
                name: "PayloadErasedAt",
                table: "OutboxMessages");
        }
    }
}
