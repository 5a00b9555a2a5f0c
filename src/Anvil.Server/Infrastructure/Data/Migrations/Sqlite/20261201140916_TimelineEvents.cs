using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Anvil.Server.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class TimelineEvents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "TimelineEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    RepositoryId = table.Column<long>(type: "INTEGER", nullable: false),
                    IssueId = table.Column<long>(type: "INTEGER", nullable: false),
                    ActorId = table.Column<long>(type: "INTEGER", nullable: true),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LabelName = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    LabelColor = table.Column<string>(type: "TEXT", maxLength: 6, nullable: true),
                    SubjectUserId = table.Column<long>(type: "INTEGER", nullable: true),
                    RenamedFrom = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    RenamedTo = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    CommitId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    SourceIssueId = table.Column<long>(type: "INTEGER", nullable: true),
                    StateReason = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    EffectKey = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TimelineEvents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_TimelineEvents_Issues_IssueId",
                        column: x => x.IssueId,
                        principalTable: "Issues",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_TimelineEvents_Issues_SourceIssueId",
                        column: x => x.SourceIssueId,
                        principalTable: "Issues",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_TimelineEvents_Repositories_RepositoryId",
                        column: x => x.RepositoryId,
                        principalTable: "Repositories",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_TimelineEvents_Users_ActorId",
                        column: x => x.ActorId,
                        principalTable: "Users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_TimelineEvents_Users_SubjectUserId",
                        column: x => x.SubjectUserId,
                        principalTable: "Users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateIndex(
                name: "IX_TimelineEvents_ActorId",
                table: "TimelineEvents",
                column: "ActorId");

            migrationBuilder.CreateIndex(
                name: "IX_TimelineEvents_EffectKey",
                table: "TimelineEvents",
                column: "EffectKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_TimelineEvents_IssueId_Id",
                table: "TimelineEvents",
                columns: new[] { "IssueId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_TimelineEvents_RepositoryId_Id",
                table: "TimelineEvents",
                columns: new[] { "RepositoryId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_TimelineEvents_SourceIssueId_IssueId",
                table: "TimelineEvents",
                columns: new[] { "SourceIssueId", "IssueId" });

            migrationBuilder.CreateIndex(
                name: "IX_TimelineEvents_SubjectUserId",
                table: "TimelineEvents",
                column: "SubjectUserId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "TimelineEvents");
        }
    }
}
