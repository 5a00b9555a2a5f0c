using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Anvil.Server.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Outbox : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "EffectKey",
                table: "WorkflowRuns",
                type: "TEXT",
                maxLength: 800,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "EffectKey",
                table: "WebhookDeliveries",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "EffectKey",
                table: "Notifications",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "OutboxEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Type = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Payload = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ClaimedUntil = table.Column<DateTime>(type: "TEXT", nullable: false),
                    DispatchedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OutboxEvents", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowRuns_EffectKey",
                table: "WorkflowRuns",
                column: "EffectKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_WebhookDeliveries_EffectKey",
                table: "WebhookDeliveries",
                column: "EffectKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Notifications_EffectKey",
                table: "Notifications",
                column: "EffectKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_OutboxEvents_DispatchedAt_ClaimedUntil",
                table: "OutboxEvents",
                columns: new[] { "DispatchedAt", "ClaimedUntil" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "OutboxEvents");

            migrationBuilder.DropIndex(
                name: "IX_WorkflowRuns_EffectKey",
                table: "WorkflowRuns");

            migrationBuilder.DropIndex(
                name: "IX_WebhookDeliveries_EffectKey",
                table: "WebhookDeliveries");

            migrationBuilder.DropIndex(
                name: "IX_Notifications_EffectKey",
                table: "Notifications");

            migrationBuilder.DropColumn(
                name: "EffectKey",
                table: "WorkflowRuns");

            migrationBuilder.DropColumn(
                name: "EffectKey",
                table: "WebhookDeliveries");

            migrationBuilder.DropColumn(
                name: "EffectKey",
                table: "Notifications");
        }
    }
}
