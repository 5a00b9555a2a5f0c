using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Anvil.Server.Infrastructure.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SearchPunctuationAsSpaces : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Punctuation becomes a space before the text is parsed: PostgreSQL's parser reads "pr-12345678" as pr and the
            // signed number -12345678, and "anvil.web" as one host name, so a search for either (split into words like
            // every query) found nothing. SearchQuery.ToTsQuery splits the same way.
            migrationBuilder.Sql(Vector("""regexp_replace(coalesce("{0}", ''), '[[:punct:]]+', ' ', 'g')"""));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(Vector("""coalesce("{0}", '')"""));
        }

        private static string Vector(string text)
        {
            var (title, body) = (string.Format(text, "Title"), string.Format(text, "Body"));
            return $"""
                DROP INDEX IF EXISTS ix_search_documents_vector;
                ALTER TABLE "SearchDocuments" DROP COLUMN IF EXISTS search_vector;
                ALTER TABLE "SearchDocuments" ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
                  setweight(to_tsvector('english', {title}) || to_tsvector('simple', {title}), 'A')
                  || setweight(to_tsvector('english', {body}) || to_tsvector('simple', {body}), 'B')) STORED;
                CREATE INDEX ix_search_documents_vector ON "SearchDocuments" USING GIN (search_vector);
                """;
        }
    }
}
