using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Anvil.Server.Infrastructure.Data.Migrations.Sqlite
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
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    RepositoryId = table.Column<long>(type: "INTEGER", nullable: true),
                    UserId = table.Column<long>(type: "INTEGER", nullable: true),
                    IssueId = table.Column<long>(type: "INTEGER", nullable: true),
                    Title = table.Column<string>(type: "TEXT", nullable: false),
                    Body = table.Column<string>(type: "TEXT", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
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

            // Full-text index outside the EF model: an FTS5 table over SearchDocuments, kept by triggers.
            migrationBuilder.Sql("""
                CREATE VIRTUAL TABLE search_fts USING fts5(Title, Body, content='SearchDocuments', content_rowid='Id', tokenize='unicode61 remove_diacritics 2');
                CREATE TRIGGER search_fts_ai AFTER INSERT ON SearchDocuments BEGIN
                  INSERT INTO search_fts(rowid, Title, Body) VALUES (new.Id, new.Title, new.Body);
                END;
                CREATE TRIGGER search_fts_ad AFTER DELETE ON SearchDocuments BEGIN
                  INSERT INTO search_fts(search_fts, rowid, Title, Body) VALUES ('delete', old.Id, old.Title, old.Body);
                END;
                CREATE TRIGGER search_fts_au AFTER UPDATE ON SearchDocuments BEGIN
                  INSERT INTO search_fts(search_fts, rowid, Title, Body) VALUES ('delete', old.Id, old.Title, old.Body);
                  INSERT INTO search_fts(rowid, Title, Body) VALUES (new.Id, new.Title, new.Body);
                END;
                INSERT INTO SearchDocuments (Kind, RepositoryId, Title, Body, UpdatedAt)
                  SELECT 'repository', Id, Name, Description, UpdatedAt FROM Repositories;
                INSERT INTO SearchDocuments (Kind, UserId, Title, Body, UpdatedAt)
                  SELECT 'user', Id, Username || ' ' || Name, Bio, UpdatedAt FROM Users;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE IF EXISTS search_fts;");
            migrationBuilder.DropTable(
                name: "SearchDocuments");
        }
    }
}
