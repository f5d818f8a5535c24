using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScorePortal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Reviews : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "CompletedAt",
                table: "ReviewRequests");

            migrationBuilder.AddColumn<int>(
                name: "ReviewRequestId",
                table: "SubjectScores",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AlterColumn<long>(
                name: "SubmittedAt",
                table: "ReviewRequests",
                type: "INTEGER",
                nullable: false,
                oldClrType: typeof(DateTimeOffset),
                oldType: "TEXT");

            migrationBuilder.AddColumn<int>(
                name: "AppointmentSlotId",
                table: "ReviewRequests",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CaseNumber",
                table: "ReviewRequests",
                type: "TEXT",
                unicode: false,
                maxLength: 32,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<bool>(
                name: "Changed",
                table: "ReviewRequests",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ClosedAt",
                table: "ReviewRequests",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Culture",
                table: "ReviewRequests",
                type: "TEXT",
                unicode: false,
                maxLength: 8,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "DecidedByUserId",
                table: "ReviewRequests",
                type: "TEXT",
                maxLength: 450,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "DecisionScoreId",
                table: "ReviewRequests",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Delivery",
                table: "ReviewRequests",
                type: "TEXT",
                unicode: false,
                maxLength: 16,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<long>(
                name: "DueAt",
                table: "ReviewRequests",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "EmsNumber",
                table: "ReviewRequests",
                type: "TEXT",
                unicode: false,
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ExamSessionId",
                table: "ReviewRequests",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "QualificationId",
                table: "ReviewRequests",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "ReasonKind",
                table: "ReviewRequests",
                type: "TEXT",
                unicode: false,
                maxLength: 16,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<int>(
                name: "RegistrationId",
                table: "ReviewRequests",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Revision",
                table: "ReviewRequests",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "SubjectId",
                table: "ReviewRequests",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AlterColumn<string>(
                name: "Score",
                table: "ExpertMarks",
                type: "TEXT",
                unicode: false,
                maxLength: 1024,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "TEXT",
                oldUnicode: false,
                oldMaxLength: 1024);

            migrationBuilder.AlterColumn<long>(
                name: "MarkedAt",
                table: "ExpertMarks",
                type: "INTEGER",
                nullable: true,
                oldClrType: typeof(DateTimeOffset),
                oldType: "TEXT");

            migrationBuilder.AddColumn<long>(
                name: "AssignedAt",
                table: "ExpertMarks",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<int>(
                name: "ReviewDecisionDays",
                table: "ExamSessions",
                type: "INTEGER",
                nullable: false,
                defaultValue: 20);

            migrationBuilder.CreateTable(
                name: "AppointmentSlots",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ProvinceCode = table.Column<string>(type: "TEXT", unicode: false, fixedLength: true, maxLength: 2, nullable: false),
                    StartsAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Capacity = table.Column<int>(type: "INTEGER", nullable: false),
                    Booked = table.Column<int>(type: "INTEGER", nullable: false)
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
                name: "ReviewEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ReviewRequestId = table.Column<int>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", unicode: false, maxLength: 16, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    Message = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    ActorUserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true)
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
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ReviewRequestId = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", unicode: false, maxLength: 16, nullable: false),
                    ContentType = table.Column<string>(type: "TEXT", unicode: false, maxLength: 32, nullable: false),
                    Length = table.Column<long>(type: "INTEGER", nullable: false),
                    Pages = table.Column<int>(type: "INTEGER", nullable: false),
                    UploadedByUserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    UploadedAt = table.Column<long>(type: "INTEGER", nullable: false)
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
                name: "IX_ReviewRequests_AppointmentSlotId",
                table: "ReviewRequests",
                column: "AppointmentSlotId");

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
                name: "IX_ReviewRequests_RegistrationId_SubjectId",
                table: "ReviewRequests",
                columns: new[] { "RegistrationId", "SubjectId" },
                unique: true,
                filter: "ClosedAt IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_AppointmentSlots_ProvinceCode_StartsAt",
                table: "AppointmentSlots",
                columns: new[] { "ProvinceCode", "StartsAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ReviewEvents_ReviewRequestId",
                table: "ReviewEvents",
                column: "ReviewRequestId");

            migrationBuilder.CreateIndex(
                name: "IX_ReviewFiles_ReviewRequestId",
                table: "ReviewFiles",
                column: "ReviewRequestId");

            migrationBuilder.AddForeignKey(
                name: "FK_ReviewRequests_AppointmentSlots_AppointmentSlotId",
                table: "ReviewRequests",
                column: "AppointmentSlotId",
                principalTable: "AppointmentSlots",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_ReviewRequests_AppointmentSlots_AppointmentSlotId",
                table: "ReviewRequests");

            migrationBuilder.DropTable(
                name: "AppointmentSlots");

            migrationBuilder.DropTable(
                name: "ReviewEvents");

            migrationBuilder.DropTable(
                name: "ReviewFiles");

            migrationBuilder.DropIndex(
                name: "IX_SubjectScores_ReviewRequestId",
                table: "SubjectScores");

            migrationBuilder.DropIndex(
                name: "IX_ReviewRequests_AppointmentSlotId",
                table: "ReviewRequests");

            migrationBuilder.DropIndex(
                name: "IX_ReviewRequests_CaseNumber",
                table: "ReviewRequests");

            migrationBuilder.DropIndex(
                name: "IX_ReviewRequests_ExamSessionId",
                table: "ReviewRequests");

            migrationBuilder.DropIndex(
                name: "IX_ReviewRequests_RegistrationId_SubjectId",
                table: "ReviewRequests");

            migrationBuilder.DropColumn(
                name: "ReviewRequestId",
                table: "SubjectScores");

            migrationBuilder.DropColumn(
                name: "AppointmentSlotId",
                table: "ReviewRequests");

            migrationBuilder.DropColumn(
                name: "CaseNumber",
                table: "ReviewRequests");

            migrationBuilder.DropColumn(
                name: "Changed",
                table: "ReviewRequests");

            migrationBuilder.DropColumn(
                name: "ClosedAt",
                table: "ReviewRequests");

            migrationBuilder.DropColumn(
                name: "Culture",
                table: "ReviewRequests");

            migrationBuilder.DropColumn(
                name: "DecidedByUserId",
                table: "ReviewRequests");

            migrationBuilder.DropColumn(
                name: "DecisionScoreId",
                table: "ReviewRequests");

            migrationBuilder.DropColumn(
                name: "Delivery",
                table: "ReviewRequests");

            migrationBuilder.DropColumn(
                name: "DueAt",
                table: "ReviewRequests");

            migrationBuilder.DropColumn(
                name: "EmsNumber",
                table: "ReviewRequests");

            migrationBuilder.DropColumn(
                name: "ExamSessionId",
                table: "ReviewRequests");

            migrationBuilder.DropColumn(
                name: "QualificationId",
                table: "ReviewRequests");

            migrationBuilder.DropColumn(
                name: "ReasonKind",
                table: "ReviewRequests");

            migrationBuilder.DropColumn(
                name: "RegistrationId",
                table: "ReviewRequests");

            migrationBuilder.DropColumn(
                name: "Revision",
                table: "ReviewRequests");

            migrationBuilder.DropColumn(
                name: "SubjectId",
                table: "ReviewRequests");

            migrationBuilder.DropColumn(
                name: "AssignedAt",
                table: "ExpertMarks");

            migrationBuilder.DropColumn(
                name: "ReviewDecisionDays",
                table: "ExamSessions");

            migrationBuilder.AlterColumn<DateTimeOffset>(
                name: "SubmittedAt",
                table: "ReviewRequests",
                type: "TEXT",
                nullable: false,
                oldClrType: typeof(long),
                oldType: "INTEGER");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "CompletedAt",
                table: "ReviewRequests",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AlterColumn<string>(
                name: "Score",
                table: "ExpertMarks",
                type: "TEXT",
                unicode: false,
                maxLength: 1024,
                nullable: false,
                defaultValue: "",
                oldClrType: typeof(string),
                oldType: "TEXT",
                oldUnicode: false,
                oldMaxLength: 1024,
                oldNullable: true);

            migrationBuilder.AlterColumn<DateTimeOffset>(
                name: "MarkedAt",
                table: "ExpertMarks",
                type: "TEXT",
                nullable: false,
                defaultValue: new DateTimeOffset(new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)),
                oldClrType: typeof(long),
                oldType: "INTEGER",
                oldNullable: true);
        }
    }
}
