using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Anvil.Server.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PullRequests : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "PullRequests",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    IssueId = table.Column<long>(type: "INTEGER", nullable: false),
                    RepositoryId = table.Column<long>(type: "INTEGER", nullable: false),
                    HeadRepositoryId = table.Column<long>(type: "INTEGER", nullable: true),
                    HeadBranch = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    BaseBranch = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    HeadOid = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    BaseOid = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    MergeBaseOid = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    IsDraft = table.Column<bool>(type: "INTEGER", nullable: false),
                    HeadBranchDeleted = table.Column<bool>(type: "INTEGER", nullable: false),
                    Mergeable = table.Column<bool>(type: "INTEGER", nullable: true),
                    ConflictingPaths = table.Column<string>(type: "TEXT", nullable: false),
                    MergeCheckPending = table.Column<bool>(type: "INTEGER", nullable: false),
                    MergeCheckVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    CommitCount = table.Column<int>(type: "INTEGER", nullable: false),
                    Additions = table.Column<int>(type: "INTEGER", nullable: false),
                    Deletions = table.Column<int>(type: "INTEGER", nullable: false),
                    ChangedFiles = table.Column<int>(type: "INTEGER", nullable: false),
                    MergingSince = table.Column<DateTime>(type: "TEXT", nullable: true),
                    MergedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    MergedById = table.Column<long>(type: "INTEGER", nullable: true),
                    MergeCommitOid = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PullRequests", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PullRequests_Issues_IssueId",
                        column: x => x.IssueId,
                        principalTable: "Issues",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_PullRequests_Repositories_HeadRepositoryId",
                        column: x => x.HeadRepositoryId,
                        principalTable: "Repositories",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_PullRequests_Repositories_RepositoryId",
                        column: x => x.RepositoryId,
                        principalTable: "Repositories",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_PullRequests_Users_MergedById",
                        column: x => x.MergedById,
                        principalTable: "Users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "PullRequestReviews",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PullRequestId = table.Column<long>(type: "INTEGER", nullable: false),
                    AuthorId = table.Column<long>(type: "INTEGER", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Body = table.Column<string>(type: "TEXT", maxLength: 65536, nullable: false),
                    CommitOid = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    SubmittedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PullRequestReviews", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PullRequestReviews_PullRequests_PullRequestId",
                        column: x => x.PullRequestId,
                        principalTable: "PullRequests",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_PullRequestReviews_Users_AuthorId",
                        column: x => x.AuthorId,
                        principalTable: "Users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PullRequestReviewComments",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PullRequestId = table.Column<long>(type: "INTEGER", nullable: false),
                    ReviewId = table.Column<long>(type: "INTEGER", nullable: true),
                    AuthorId = table.Column<long>(type: "INTEGER", nullable: false),
                    Body = table.Column<string>(type: "TEXT", maxLength: 65536, nullable: false),
                    Path = table.Column<string>(type: "TEXT", maxLength: 4096, nullable: false),
                    Line = table.Column<int>(type: "INTEGER", nullable: false),
                    Side = table.Column<string>(type: "TEXT", maxLength: 5, nullable: false),
                    CommitOid = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    DiffHunk = table.Column<string>(type: "TEXT", nullable: false),
                    InReplyToId = table.Column<long>(type: "INTEGER", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PullRequestReviewComments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PullRequestReviewComments_PullRequestReviews_ReviewId",
                        column: x => x.ReviewId,
                        principalTable: "PullRequestReviews",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_PullRequestReviewComments_PullRequests_PullRequestId",
                        column: x => x.PullRequestId,
                        principalTable: "PullRequests",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_PullRequestReviewComments_Users_AuthorId",
                        column: x => x.AuthorId,
                        principalTable: "Users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_PullRequestReviewComments_AuthorId",
                table: "PullRequestReviewComments",
                column: "AuthorId");

            migrationBuilder.CreateIndex(
                name: "IX_PullRequestReviewComments_PullRequestId_Id",
                table: "PullRequestReviewComments",
                columns: new[] { "PullRequestId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_PullRequestReviewComments_ReviewId",
                table: "PullRequestReviewComments",
                column: "ReviewId");

            migrationBuilder.CreateIndex(
                name: "IX_PullRequestReviews_AuthorId",
                table: "PullRequestReviews",
                column: "AuthorId");

            migrationBuilder.CreateIndex(
                name: "IX_PullRequestReviews_PullRequestId_Id",
                table: "PullRequestReviews",
                columns: new[] { "PullRequestId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_PullRequests_HeadRepositoryId_HeadBranch",
                table: "PullRequests",
                columns: new[] { "HeadRepositoryId", "HeadBranch" });

            migrationBuilder.CreateIndex(
                name: "IX_PullRequests_IssueId",
                table: "PullRequests",
                column: "IssueId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PullRequests_MergeCheckPending",
                table: "PullRequests",
                column: "MergeCheckPending");

            migrationBuilder.CreateIndex(
                name: "IX_PullRequests_MergedById",
                table: "PullRequests",
                column: "MergedById");

            migrationBuilder.CreateIndex(
                name: "IX_PullRequests_RepositoryId_BaseBranch",
                table: "PullRequests",
                columns: new[] { "RepositoryId", "BaseBranch" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PullRequestReviewComments");

            migrationBuilder.DropTable(
                name: "PullRequestReviews");

            migrationBuilder.DropTable(
                name: "PullRequests");
        }
    }
}
