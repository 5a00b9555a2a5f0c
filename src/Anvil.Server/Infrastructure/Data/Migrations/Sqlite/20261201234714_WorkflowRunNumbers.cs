using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Anvil.Server.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class WorkflowRunNumbers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "RunCount",
                table: "Workflows",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "RunNumber",
                table: "WorkflowRuns",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            // Runs made before run numbers: each workflow's (path's) runs numbered in the order they were made, and each
            // workflow's counter at its last number.
            migrationBuilder.Sql("""
                UPDATE "WorkflowRuns" SET "RunNumber" = (SELECT COUNT(*) FROM "WorkflowRuns" AS o
                    WHERE o."RepositoryId" = "WorkflowRuns"."RepositoryId" AND o."WorkflowPath" = "WorkflowRuns"."WorkflowPath" AND o."Id" <= "WorkflowRuns"."Id");
                UPDATE "Workflows" SET "RunCount" = COALESCE((SELECT MAX(r."RunNumber") FROM "WorkflowRuns" AS r
                    WHERE r."RepositoryId" = "Workflows"."RepositoryId" AND r."WorkflowPath" = "Workflows"."Path"), 0);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "RunCount",
                table: "Workflows");

            migrationBuilder.DropColumn(
                name: "RunNumber",
                table: "WorkflowRuns");
        }
    }
}
