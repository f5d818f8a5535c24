using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScorePortal.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class Sms : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Mobile",
                table: "Candidates",
                type: "varchar(1024)",
                unicode: false,
                maxLength: 1024,
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "MobileIndex",
                table: "Candidates",
                type: "binary(32)",
                fixedLength: true,
                maxLength: 32,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Candidates_MobileIndex",
                table: "Candidates",
                column: "MobileIndex");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Candidates_MobileIndex",
                table: "Candidates");

            migrationBuilder.DropColumn(
                name: "Mobile",
                table: "Candidates");

            migrationBuilder.DropColumn(
                name: "MobileIndex",
                table: "Candidates");
        }
    }
}
