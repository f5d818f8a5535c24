using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScorePortal.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class ShareLinksCredentials : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "CredentialSigningKeys",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    PublicJwk = table.Column<string>(type: "varchar(512)", unicode: false, maxLength: 512, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    RetiredAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    PrivateKey = table.Column<string>(type: "varchar(1024)", unicode: false, maxLength: 1024, nullable: false),
                    RowKey = table.Column<Guid>(type: "uniqueidentifier", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CredentialSigningKeys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ShareLinks",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    UserId = table.Column<string>(type: "nvarchar(450)", maxLength: 450, nullable: false),
                    ReportIssueId = table.Column<int>(type: "int", nullable: false),
                    TokenHash = table.Column<byte[]>(type: "binary(32)", fixedLength: true, maxLength: 32, nullable: false),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false),
                    ExpiresAt = table.Column<long>(type: "bigint", nullable: false),
                    RevokedAt = table.Column<long>(type: "bigint", nullable: true),
                    OpenCount = table.Column<int>(type: "int", nullable: false),
                    LastOpenedAt = table.Column<long>(type: "bigint", nullable: true),
                    Note = table.Column<string>(type: "varchar(1024)", unicode: false, maxLength: 1024, nullable: false),
                    Token = table.Column<string>(type: "varchar(1024)", unicode: false, maxLength: 1024, nullable: false),
                    RowKey = table.Column<Guid>(type: "uniqueidentifier", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ShareLinks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ShareLinks_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_ShareLinks_ReportIssues_ReportIssueId",
                        column: x => x.ReportIssueId,
                        principalTable: "ReportIssues",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "IssuedCredentials",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    CredentialId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    QualificationOutcomeId = table.Column<int>(type: "int", nullable: false),
                    CandidateId = table.Column<int>(type: "int", nullable: false),
                    SigningKeyId = table.Column<int>(type: "int", nullable: false),
                    ListNumber = table.Column<int>(type: "int", nullable: false),
                    StatusIndex = table.Column<int>(type: "int", nullable: false),
                    Status = table.Column<string>(type: "varchar(16)", unicode: false, maxLength: 16, nullable: false),
                    IssuedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    EndedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    DownloadCount = table.Column<int>(type: "int", nullable: false),
                    Jws = table.Column<string>(type: "varchar(max)", unicode: false, nullable: false),
                    RowKey = table.Column<Guid>(type: "uniqueidentifier", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IssuedCredentials", x => x.Id);
                    table.ForeignKey(
                        name: "FK_IssuedCredentials_Candidates_CandidateId",
                        column: x => x.CandidateId,
                        principalTable: "Candidates",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_IssuedCredentials_CredentialSigningKeys_SigningKeyId",
                        column: x => x.SigningKeyId,
                        principalTable: "CredentialSigningKeys",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_IssuedCredentials_QualificationOutcomes_QualificationOutcomeId",
                        column: x => x.QualificationOutcomeId,
                        principalTable: "QualificationOutcomes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_CredentialSigningKeys_RetiredAt",
                table: "CredentialSigningKeys",
                column: "RetiredAt");

            migrationBuilder.CreateIndex(
                name: "IX_IssuedCredentials_CandidateId_Status",
                table: "IssuedCredentials",
                columns: new[] { "CandidateId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_IssuedCredentials_CredentialId",
                table: "IssuedCredentials",
                column: "CredentialId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_IssuedCredentials_ListNumber_StatusIndex",
                table: "IssuedCredentials",
                columns: new[] { "ListNumber", "StatusIndex" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_IssuedCredentials_QualificationOutcomeId_Status",
                table: "IssuedCredentials",
                columns: new[] { "QualificationOutcomeId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_IssuedCredentials_SigningKeyId_Status",
                table: "IssuedCredentials",
                columns: new[] { "SigningKeyId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_ShareLinks_ExpiresAt",
                table: "ShareLinks",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_ShareLinks_ReportIssueId",
                table: "ShareLinks",
                column: "ReportIssueId");

            migrationBuilder.CreateIndex(
                name: "IX_ShareLinks_RevokedAt",
                table: "ShareLinks",
                column: "RevokedAt");

            migrationBuilder.CreateIndex(
                name: "IX_ShareLinks_TokenHash",
                table: "ShareLinks",
                column: "TokenHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ShareLinks_UserId_Id",
                table: "ShareLinks",
                columns: new[] { "UserId", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "IssuedCredentials");

            migrationBuilder.DropTable(
                name: "ShareLinks");

            migrationBuilder.DropTable(
                name: "CredentialSigningKeys");
        }
    }
}
