using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Anvil.Server.Infrastructure.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ActionsWorkflowsAndAnnotations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "WorkflowId",
                table: "WorkflowRuns",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "AnnotationsCount",
                table: "CheckRuns",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "CheckRunAnnotations",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CheckRunId = table.Column<long>(type: "bigint", nullable: false),
                    Path = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    StartLine = table.Column<int>(type: "integer", nullable: false),
                    EndLine = table.Column<int>(type: "integer", nullable: false),
                    StartColumn = table.Column<int>(type: "integer", nullable: true),
                    EndColumn = table.Column<int>(type: "integer", nullable: true),
                    Level = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Message = table.Column<string>(type: "text", nullable: false),
                    Title = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    RawDetails = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CheckRunAnnotations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CheckRunAnnotations_CheckRuns_CheckRunId",
                        column: x => x.CheckRunId,
                        principalTable: "CheckRuns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Workflows",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    RepositoryId = table.Column<long>(type: "bigint", nullable: false),
                    Path = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    Name = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    State = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Workflows", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Workflows_Repositories_RepositoryId",
                        column: x => x.RepositoryId,
                        principalTable: "Repositories",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowRuns_WorkflowId_Id",
                table: "WorkflowRuns",
                columns: new[] { "WorkflowId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_CheckRunAnnotations_CheckRunId_Id",
                table: "CheckRunAnnotations",
                columns: new[] { "CheckRunId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Workflows_RepositoryId_Path",
                table: "Workflows",
                columns: new[] { "RepositoryId", "Path" },
                unique: true);

            // Runs made before workflows had ids: one workflow per path that has runs, each run pointing at its own.
            migrationBuilder.Sql("""
                INSERT INTO "Workflows" ("RepositoryId", "Path", "Name", "State", "CreatedAt", "UpdatedAt")
                SELECT "RepositoryId", "WorkflowPath", MAX("Name"), 'active', MIN("CreatedAt"), MAX("UpdatedAt")
                FROM "WorkflowRuns" GROUP BY "RepositoryId", "WorkflowPath";
                """);
            migrationBuilder.Sql("""
                UPDATE "WorkflowRuns" SET "WorkflowId" = (SELECT w."Id" FROM "Workflows" w
                    WHERE w."RepositoryId" = "WorkflowRuns"."RepositoryId" AND w."Path" = "WorkflowRuns"."WorkflowPath");
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CheckRunAnnotations");

            migrationBuilder.DropTable(
                name: "Workflows");

            migrationBuilder.DropIndex(
                name: "IX_WorkflowRuns_WorkflowId_Id",
                table: "WorkflowRuns");

            migrationBuilder.DropColumn(
                name: "WorkflowId",
                table: "WorkflowRuns");

            migrationBuilder.DropColumn(
                name: "AnnotationsCount",
                table: "CheckRuns");
        }
    }
}
