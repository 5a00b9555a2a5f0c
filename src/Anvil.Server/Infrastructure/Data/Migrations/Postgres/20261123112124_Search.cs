using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Anvil.Server.Infrastructure.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Search : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "SearchDocuments",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    RepositoryId = table.Column<long>(type: "bigint", nullable: true),
                    UserId = table.Column<long>(type: "bigint", nullable: true),
                    IssueId = table.Column<long>(type: "bigint", nullable: true),
                    Title = table.Column<string>(type: "text", nullable: false),
                    Body = table.Column<string>(type: "text", nullable: false),
                    State = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SearchDocuments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SearchDocuments_Repositories_RepositoryId",
                        column: x => x.RepositoryId,
                        principalTable: "Repositories",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_SearchDocuments_Users_UserId",
                        column: x => x.UserId,
                        principalTable: "Users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_SearchDocuments_IssueId",
                table: "SearchDocuments",
                column: "IssueId");

            migrationBuilder.CreateIndex(
                name: "IX_SearchDocuments_Kind_RepositoryId",
                table: "SearchDocuments",
                columns: new[] { "Kind", "RepositoryId" });

            migrationBuilder.CreateIndex(
                name: "IX_SearchDocuments_RepositoryId",
                table: "SearchDocuments",
                column: "RepositoryId");

            migrationBuilder.CreateIndex(
                name: "IX_SearchDocuments_UserId",
                table: "SearchDocuments",
                column: "UserId");

            // Full-text index outside the EF model: a generated tsvector (titles weigh more) with a GIN index.
            migrationBuilder.Sql("""
                ALTER TABLE "SearchDocuments" ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
                  setweight(to_tsvector('simple', coalesce("Title", '')), 'A') || setweight(to_tsvector('simple', coalesce("Body", '')), 'B')) STORED;
                CREATE INDEX ix_search_documents_vector ON "SearchDocuments" USING GIN (search_vector);
                INSERT INTO "SearchDocuments" ("Kind", "RepositoryId", "Title", "Body", "UpdatedAt")
                  SELECT 'repository', "Id", "Name", "Description", "UpdatedAt" FROM "Repositories";
                INSERT INTO "SearchDocuments" ("Kind", "UserId", "Title", "Body", "UpdatedAt")
                  SELECT 'user', "Id", "Username" || ' ' || "Name", "Bio", "UpdatedAt" FROM "Users";
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SearchDocuments");
        }
    }
}
