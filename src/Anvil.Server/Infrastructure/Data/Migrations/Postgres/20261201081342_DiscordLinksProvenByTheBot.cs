using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Anvil.Server.Infrastructure.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class DiscordLinksProvenByTheBot : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Tokens issued before were asked for by a signed-in user for any Discord id: unproven, so none may be spent.
            migrationBuilder.Sql("DELETE FROM \"DiscordLinkTokens\"");

            migrationBuilder.DropForeignKey(
                name: "FK_DiscordLinkTokens_Users_UserId",
                table: "DiscordLinkTokens");

            migrationBuilder.DropIndex(
                name: "IX_DiscordLinkTokens_UserId",
                table: "DiscordLinkTokens");

            migrationBuilder.DropColumn(
                name: "UserId",
                table: "DiscordLinkTokens");

            migrationBuilder.AddColumn<string>(
                name: "NormalizedEmail",
                table: "DiscordLinkTokens",
                type: "character varying(320)",
                maxLength: 320,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "UsedByUserId",
                table: "DiscordLinkTokens",
                type: "bigint",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_DiscordLinkTokens_UsedByUserId",
                table: "DiscordLinkTokens",
                column: "UsedByUserId");

            migrationBuilder.AddForeignKey(
                name: "FK_DiscordLinkTokens_Users_UsedByUserId",
                table: "DiscordLinkTokens",
                column: "UsedByUserId",
                principalTable: "Users",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The old shape needs a user per token, which the bot's tokens do not have.
            migrationBuilder.Sql("DELETE FROM \"DiscordLinkTokens\"");

            migrationBuilder.DropForeignKey(
                name: "FK_DiscordLinkTokens_Users_UsedByUserId",
                table: "DiscordLinkTokens");

            migrationBuilder.DropIndex(
                name: "IX_DiscordLinkTokens_UsedByUserId",
                table: "DiscordLinkTokens");

            migrationBuilder.DropColumn(
                name: "NormalizedEmail",
                table: "DiscordLinkTokens");

            migrationBuilder.DropColumn(
                name: "UsedByUserId",
                table: "DiscordLinkTokens");

            migrationBuilder.AddColumn<long>(
                name: "UserId",
                table: "DiscordLinkTokens",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateIndex(
                name: "IX_DiscordLinkTokens_UserId",
                table: "DiscordLinkTokens",
                column: "UserId");

            migrationBuilder.AddForeignKey(
                name: "FK_DiscordLinkTokens_Users_UserId",
                table: "DiscordLinkTokens",
                column: "UserId",
                principalTable: "Users",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);
        }
    }
}
