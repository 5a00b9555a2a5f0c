using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Anvil.Server.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PerfCountsOnRows : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "ForkCount",
                table: "Repositories",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "StarCount",
                table: "Repositories",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "CommentCount",
                table: "Issues",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            // Backfill: the counts of the rows as they are (the same SQL on both databases).
            migrationBuilder.Sql("""
                UPDATE "Repositories" SET
                    "StarCount" = (SELECT COUNT(*) FROM "Stars" s WHERE s."RepositoryId" = "Repositories"."Id"),
                    "ForkCount" = (SELECT COUNT(*) FROM "Repositories" f WHERE f."ForkedFromId" = "Repositories"."Id");
                UPDATE "Issues" SET
                    "CommentCount" = (SELECT COUNT(*) FROM "IssueComments" c WHERE c."IssueId" = "Issues"."Id");
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ForkCount",
                table: "Repositories");

            migrationBuilder.DropColumn(
                name: "StarCount",
                table: "Repositories");

            migrationBuilder.DropColumn(
                name: "CommentCount",
                table: "Issues");
        }
    }
}
