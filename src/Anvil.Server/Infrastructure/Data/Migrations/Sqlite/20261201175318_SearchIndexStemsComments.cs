using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Anvil.Server.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SearchIndexStemsComments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Word forms: the FTS5 index again, with the porter stemmer over the same tokenizer; then every existing
            // comment indexed (the triggers are in place first, the rebuild reads every document once more).
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS search_fts_ai;
                DROP TRIGGER IF EXISTS search_fts_ad;
                DROP TRIGGER IF EXISTS search_fts_au;
                DROP TABLE IF EXISTS search_fts;
                CREATE VIRTUAL TABLE search_fts USING fts5(Title, Body, content='SearchDocuments', content_rowid='Id', tokenize='porter unicode61 remove_diacritics 2');
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
                INSERT INTO SearchDocuments (Kind, RepositoryId, IssueId, CommentId, Title, Body, UpdatedAt)
                  SELECT 'comment', i.RepositoryId, c.IssueId, c.Id, '', c.Body, c.UpdatedAt
                  FROM IssueComments c JOIN Issues i ON i.Id = c.IssueId;
                INSERT INTO search_fts(search_fts) VALUES ('rebuild');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DELETE FROM SearchDocuments WHERE Kind = 'comment';
                DROP TRIGGER IF EXISTS search_fts_ai;
                DROP TRIGGER IF EXISTS search_fts_ad;
                DROP TRIGGER IF EXISTS search_fts_au;
                DROP TABLE IF EXISTS search_fts;
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
                INSERT INTO search_fts(search_fts) VALUES ('rebuild');
                """);
        }
    }
}
