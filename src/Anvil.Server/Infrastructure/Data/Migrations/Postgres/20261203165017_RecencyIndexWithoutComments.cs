using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Anvil.Server.Infrastructure.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RecencyIndexWithoutComments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_SearchDocuments_RepositoryId_UpdatedAt_Id",
                table: "SearchDocuments");

            migrationBuilder.CreateIndex(
                name: "IX_SearchDocuments_RepositoryId_UpdatedAt_Id",
                table: "SearchDocuments",
                columns: new[] { "RepositoryId", "UpdatedAt", "Id" },
                descending: new[] { false, true, true },
                filter: "\"Kind\" <> 'comment'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_SearchDocuments_RepositoryId_UpdatedAt_Id",
                table: "SearchDocuments");

            migrationBuilder.CreateIndex(
                name: "IX_SearchDocuments_RepositoryId_UpdatedAt_Id",
                table: "SearchDocuments",
                columns: new[] { "RepositoryId", "UpdatedAt", "Id" },
                descending: new[] { false, true, true });
        }
    }
}
