using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScorePortal.Data.Migrations.SqlServer
{
    /// <summary>
    /// The last round's three migrations in one (AccountSecurity: MustChangePassword; DataProtectionKeys: the key
    /// ring's table; Reviews: the review workflow), made before anything was deployed.
    /// </summary>
    /// <remarks>
    /// ReviewRequests and ExpertMarks are dropped and created again in their final shape instead of altered, as in
    /// the SQLite set: SQL Server does not convert datetimeoffset to bigint, so <c>ALTER COLUMN SubmittedAt bigint</c>
    /// (and MarkedAt) would be refused, and the added NOT NULL columns would have left default constraints the model
    /// does not have. A review request from before had none of the required new columns, so no row could have been
    /// carried over meaningfully. ExpertMarks (the only table referencing ReviewRequests then) is dropped first.
    /// Columns are in the order the three migrations' ALTERs would have left them.
    /// </remarks>
    public partial class AccountSecurityKeysAndReviews : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // AccountSecurity
            migrationBuilder.AddColumn<bool>(
                name: "MustChangePassword",
                table: "AspNetUsers",
                type: "bit",
                nullable: false,
                defaultValue: false);

            // DataProtectionKeys
            migrationBuilder.CreateTable(
                name: "DataProtectionKeys",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    FriendlyName = table.Column<string>(type: "nvarchar(max)", nullable: true),
                    Xml = table.Column<string>(type: "nvarchar(max)", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DataProtectionKeys", x => x.Id);
                });

            // Reviews
            migrationBuilder.DropTable(
                name: "ExpertMarks");

            migrationBuilder.DropTable(
                name: "ReviewRequests");

            migrationBuilder.AddColumn<int>(
                name: "ReviewDecisionDays",
                table: "ExamSessions",
                type: "int",
                nullable: false,
                defaultValue: 20);

            migrationBuilder.AddColumn<int>(
                name: "ReviewRequestId",
                table: "SubjectScores",
                type: "int",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "AppointmentSlots",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    ProvinceCode = table.Column<string>(type: "char(2)", unicode: false, fixedLength: true, maxLength: 2, nullable: false),
                    StartsAt = table.Column<long>(type: "bigint", nullable: false),
                    Capacity = table.Column<int>(type: "int", nullable: false),
                    Booked = table.Column<int>(type: "int", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AppointmentSlots", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AppointmentSlots_Provinces_ProvinceCode",
                        column: x => x.ProvinceCode,
                        principalTable: "Provinces",
                        principalColumn: "Code",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "ReviewRequests",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    CandidateId = table.Column<int>(type: "int", nullable: false),
                    SubjectScoreId = table.Column<long>(type: "bigint", nullable: false),
                    ProvinceCode = table.Column<string>(type: "char(2)", unicode: false, fixedLength: true, maxLength: 2, nullable: false),
                    Reason = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: false),
                    Status = table.Column<string>(type: "varchar(16)", unicode: false, maxLength: 16, nullable: false),
                    SubmittedAt = table.Column<long>(type: "bigint", nullable: false),
                    OriginalScore = table.Column<string>(type: "varchar(1024)", unicode: false, maxLength: 1024, nullable: false),
                    FinalScore = table.Column<string>(type: "varchar(1024)", unicode: false, maxLength: 1024, nullable: true),
                    AssignedStaffUserId = table.Column<string>(type: "nvarchar(450)", maxLength: 450, nullable: true),
                    StaffNote = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true),
                    AppointmentSlotId = table.Column<int>(type: "int", nullable: true),
                    CaseNumber = table.Column<string>(type: "varchar(32)", unicode: false, maxLength: 32, nullable: false),
                    Changed = table.Column<bool>(type: "bit", nullable: true),
                    ClosedAt = table.Column<long>(type: "bigint", nullable: true),
                    Culture = table.Column<string>(type: "varchar(8)", unicode: false, maxLength: 8, nullable: false),
                    DecidedByUserId = table.Column<string>(type: "nvarchar(450)", maxLength: 450, nullable: true),
                    DecisionScoreId = table.Column<long>(type: "bigint", nullable: true),
                    Delivery = table.Column<string>(type: "varchar(16)", unicode: false, maxLength: 16, nullable: false),
                    DueAt = table.Column<long>(type: "bigint", nullable: false),
                    EmsNumber = table.Column<string>(type: "varchar(32)", unicode: false, maxLength: 32, nullable: true),
                    ExamSessionId = table.Column<int>(type: "int", nullable: false),
                    QualificationId = table.Column<int>(type: "int", nullable: false),
                    ReasonKind = table.Column<string>(type: "varchar(16)", unicode: false, maxLength: 16, nullable: false),
                    RegistrationId = table.Column<int>(type: "int", nullable: false),
                    Revision = table.Column<int>(type: "int", nullable: false),
                    SubjectId = table.Column<int>(type: "int", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReviewRequests", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ReviewRequests_AppointmentSlots_AppointmentSlotId",
                        column: x => x.AppointmentSlotId,
                        principalTable: "AppointmentSlots",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_ReviewRequests_Candidates_CandidateId",
                        column: x => x.CandidateId,
                        principalTable: "Candidates",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_ReviewRequests_Provinces_ProvinceCode",
                        column: x => x.ProvinceCode,
                        principalTable: "Provinces",
                        principalColumn: "Code",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_ReviewRequests_SubjectScores_SubjectScoreId",
                        column: x => x.SubjectScoreId,
                        principalTable: "SubjectScores",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "ExpertMarks",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    ReviewRequestId = table.Column<int>(type: "int", nullable: false),
                    ExpertUserId = table.Column<string>(type: "nvarchar(450)", maxLength: 450, nullable: false),
                    Score = table.Column<string>(type: "varchar(1024)", unicode: false, maxLength: 1024, nullable: true),
                    Comment = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: true),
                    MarkedAt = table.Column<long>(type: "bigint", nullable: true),
                    AssignedAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExpertMarks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ExpertMarks_ReviewRequests_ReviewRequestId",
                        column: x => x.ReviewRequestId,
                        principalTable: "ReviewRequests",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ReviewEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    ReviewRequestId = table.Column<int>(type: "int", nullable: false),
                    Status = table.Column<string>(type: "varchar(16)", unicode: false, maxLength: 16, nullable: false),
                    At = table.Column<long>(type: "bigint", nullable: false),
                    Message = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true),
                    ActorUserId = table.Column<string>(type: "nvarchar(450)", maxLength: 450, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReviewEvents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ReviewEvents_ReviewRequests_ReviewRequestId",
                        column: x => x.ReviewRequestId,
                        principalTable: "ReviewRequests",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ReviewFiles",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ReviewRequestId = table.Column<int>(type: "int", nullable: false),
                    Kind = table.Column<string>(type: "varchar(16)", unicode: false, maxLength: 16, nullable: false),
                    ContentType = table.Column<string>(type: "varchar(32)", unicode: false, maxLength: 32, nullable: false),
                    Length = table.Column<long>(type: "bigint", nullable: false),
                    Pages = table.Column<int>(type: "int", nullable: false),
                    UploadedByUserId = table.Column<string>(type: "nvarchar(450)", maxLength: 450, nullable: false),
                    UploadedAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReviewFiles", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ReviewFiles_ReviewRequests_ReviewRequestId",
                        column: x => x.ReviewRequestId,
                        principalTable: "ReviewRequests",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_SubjectScores_ReviewRequestId",
                table: "SubjectScores",
                column: "ReviewRequestId");

            migrationBuilder.CreateIndex(
                name: "IX_AppointmentSlots_ProvinceCode_StartsAt",
                table: "AppointmentSlots",
                columns: new[] { "ProvinceCode", "StartsAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ReviewRequests_AppointmentSlotId",
                table: "ReviewRequests",
                column: "AppointmentSlotId");

            migrationBuilder.CreateIndex(
                name: "IX_ReviewRequests_CandidateId",
                table: "ReviewRequests",
                column: "CandidateId");

            migrationBuilder.CreateIndex(
                name: "IX_ReviewRequests_CaseNumber",
                table: "ReviewRequests",
                column: "CaseNumber",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ReviewRequests_ExamSessionId",
                table: "ReviewRequests",
                column: "ExamSessionId");

            migrationBuilder.CreateIndex(
                name: "IX_ReviewRequests_ProvinceCode_Status",
                table: "ReviewRequests",
                columns: new[] { "ProvinceCode", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_ReviewRequests_RegistrationId_SubjectId",
                table: "ReviewRequests",
                columns: new[] { "RegistrationId", "SubjectId" },
                unique: true,
                filter: "ClosedAt IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_ReviewRequests_SubjectScoreId",
                table: "ReviewRequests",
                column: "SubjectScoreId");

            migrationBuilder.CreateIndex(
                name: "IX_ExpertMarks_ExpertUserId",
                table: "ExpertMarks",
                column: "ExpertUserId");

            migrationBuilder.CreateIndex(
                name: "IX_ExpertMarks_ReviewRequestId_ExpertUserId",
                table: "ExpertMarks",
                columns: new[] { "ReviewRequestId", "ExpertUserId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ReviewEvents_ReviewRequestId",
                table: "ReviewEvents",
                column: "ReviewRequestId");

            migrationBuilder.CreateIndex(
                name: "IX_ReviewFiles_ReviewRequestId",
                table: "ReviewFiles",
                column: "ReviewRequestId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Children first: SQL Server refuses to drop a table a foreign key still references.
            migrationBuilder.DropTable(
                name: "ReviewEvents");

            migrationBuilder.DropTable(
                name: "ReviewFiles");

            migrationBuilder.DropTable(
                name: "ExpertMarks");

            migrationBuilder.DropTable(
                name: "ReviewRequests");

            migrationBuilder.DropTable(
                name: "AppointmentSlots");

            migrationBuilder.DropTable(
                name: "DataProtectionKeys");

            migrationBuilder.DropIndex(
                name: "IX_SubjectScores_ReviewRequestId",
                table: "SubjectScores");

            migrationBuilder.DropColumn(
                name: "ReviewRequestId",
                table: "SubjectScores");

            migrationBuilder.DropColumn(
                name: "ReviewDecisionDays",
                table: "ExamSessions");

            migrationBuilder.DropColumn(
                name: "MustChangePassword",
                table: "AspNetUsers");

            // ReviewRequests and ExpertMarks as the Initial migration made them.
            migrationBuilder.CreateTable(
                name: "ReviewRequests",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    CandidateId = table.Column<int>(type: "int", nullable: false),
                    SubjectScoreId = table.Column<long>(type: "bigint", nullable: false),
                    ProvinceCode = table.Column<string>(type: "char(2)", unicode: false, fixedLength: true, maxLength: 2, nullable: false),
                    Reason = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: false),
                    Status = table.Column<string>(type: "varchar(16)", unicode: false, maxLength: 16, nullable: false),
                    SubmittedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    CompletedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    OriginalScore = table.Column<string>(type: "varchar(1024)", unicode: false, maxLength: 1024, nullable: false),
                    FinalScore = table.Column<string>(type: "varchar(1024)", unicode: false, maxLength: 1024, nullable: true),
                    AssignedStaffUserId = table.Column<string>(type: "nvarchar(450)", maxLength: 450, nullable: true),
                    StaffNote = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReviewRequests", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ReviewRequests_Candidates_CandidateId",
                        column: x => x.CandidateId,
                        principalTable: "Candidates",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_ReviewRequests_Provinces_ProvinceCode",
                        column: x => x.ProvinceCode,
                        principalTable: "Provinces",
                        principalColumn: "Code",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_ReviewRequests_SubjectScores_SubjectScoreId",
                        column: x => x.SubjectScoreId,
                        principalTable: "SubjectScores",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "ExpertMarks",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    ReviewRequestId = table.Column<int>(type: "int", nullable: false),
                    ExpertUserId = table.Column<string>(type: "nvarchar(450)", maxLength: 450, nullable: false),
                    Score = table.Column<string>(type: "varchar(1024)", unicode: false, maxLength: 1024, nullable: false),
                    Comment = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: true),
                    MarkedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExpertMarks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ExpertMarks_ReviewRequests_ReviewRequestId",
                        column: x => x.ReviewRequestId,
                        principalTable: "ReviewRequests",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ExpertMarks_ExpertUserId",
                table: "ExpertMarks",
                column: "ExpertUserId");

            migrationBuilder.CreateIndex(
                name: "IX_ExpertMarks_ReviewRequestId_ExpertUserId",
                table: "ExpertMarks",
                columns: new[] { "ReviewRequestId", "ExpertUserId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ReviewRequests_CandidateId",
                table: "ReviewRequests",
                column: "CandidateId");

            migrationBuilder.CreateIndex(
                name: "IX_ReviewRequests_ProvinceCode_Status",
                table: "ReviewRequests",
                columns: new[] { "ProvinceCode", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_ReviewRequests_SubjectScoreId",
                table: "ReviewRequests",
                column: "SubjectScoreId");
        }
    }
}
