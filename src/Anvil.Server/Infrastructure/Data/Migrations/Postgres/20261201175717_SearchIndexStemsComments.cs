using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Anvil.Server.Infrastructure.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SearchIndexStemsComments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Word forms: the generated vector again, English stems beside the plain words (English drops words such as
            // "the" that may still be a name); then every existing comment indexed.
            migrationBuilder.Sql("""
                DROP INDEX IF EXISTS ix_search_documents_vector;
                ALTER TABLE "SearchDocuments" DROP COLUMN IF EXISTS search_vector;
                ALTER TABLE "SearchDocuments" ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
                  setweight(to_tsvector('english', coalesce("Title", '')) || to_tsvector('simple', coalesce("Title", '')), 'A')
                  || setweight(to_tsvector('english', coalesce("Body", '')) || to_tsvector('simple', coalesce("Body", '')), 'B')) STORED;
                CREATE INDEX ix_search_documents_vector ON "SearchDocuments" USING GIN (search_vector);
                INSERT INTO "SearchDocuments" ("Kind", "RepositoryId", "IssueId", "CommentId", "Title", "Body", "UpdatedAt")
                  SELECT 'comment', i."RepositoryId", c."IssueId", c."Id", '', c."Body", c."UpdatedAt"
                  FROM "IssueComments" c JOIN "Issues" i ON i."Id" = c."IssueId";
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DELETE FROM "SearchDocuments" WHERE "Kind" = 'comment';
                DROP INDEX IF EXISTS ix_search_documents_vector;
                ALTER TABLE "SearchDocuments" DROP COLUMN IF EXISTS search_vector;
                ALTER TABLE "SearchDocuments" ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
                  setweight(to_tsvector('simple', coalesce("Title", '')), 'A') || setweight(to_tsvector('simple', coalesce("Body", '')), 'B')) STORED;
                CREATE INDEX ix_search_documents_vector ON "SearchDocuments" USING GIN (search_vector);
                """);
        }
    }
}
