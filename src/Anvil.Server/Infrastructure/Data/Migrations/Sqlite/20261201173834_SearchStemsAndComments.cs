using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Anvil.Server.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SearchStemsAndComments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "CommentId",
                table: "SearchDocuments",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_SearchDocuments_CommentId",
                table: "SearchDocuments",
                column: "CommentId");

            migrationBuilder.AddForeignKey(
                name: "FK_SearchDocuments_IssueComments_CommentId",
                table: "SearchDocuments",
                column: "CommentId",
                principalTable: "IssueComments",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_SearchDocuments_IssueComments_CommentId",
                table: "SearchDocuments");

            migrationBuilder.DropIndex(
                name: "IX_SearchDocuments_CommentId",
                table: "SearchDocuments");

            migrationBuilder.DropColumn(
                name: "CommentId",
                table: "SearchDocuments");
        }
    }
}
