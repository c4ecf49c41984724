using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace S3MlLayout.Module.Tests.Hosting
{
    /// <summary>
    /// The rewrite that runs Export-MlDriftQuery's Athena (Trino) SQL in DuckDB over report files on disk
    /// (docs/athena.md, "Running the queries elsewhere"). The generator keeps to functions both engines share;
    /// what differs is rewritten here, and nothing else:
    ///   1. CREATE EXTERNAL TABLE ... LOCATION 's3://.../hive/' (a Hive table over symlink folders, which DuckDB
    ///      does not have) becomes a schema and a view: for each hive/dt=.../symlink.txt, read_csv over the data
    ///      files it lists (mapped to local paths), every column VARCHAR in the DDL's order, plus the dt column.
    ///   2. url_decode(x): Athena's turns '+' into a space (form decoding, as S3 Inventory encodes spaces may be),
    ///      DuckDB's leaves '+' alone, so x becomes replace(x, '+', '%20') first. A '+' of the key itself is written
    ///      %2B by S3, so only encoded spaces are '+'.
    ///   3. regexp_like(s, p) becomes regexp_matches(s, p): both find p anywhere in s (the patterns anchor themselves).
    /// </summary>
    public static class AthenaToDuckDb
    {
        private static readonly Regex Ddl = new Regex(@"^CREATE EXTERNAL TABLE IF NOT EXISTS `(?<db>[a-z0-9_]+)`\.`(?<table>[a-z0-9_]+)` \((?<columns>[^)]*)\)\s*PARTITIONED BY \(dt string\)[\s\S]*?LOCATION '(?<location>s3://[^']+)'",
            RegexOptions.CultureInvariant);
        private static readonly Regex Column = new Regex(@"`(?<name>[a-z0-9_]+)` string", RegexOptions.CultureInvariant);

        /// <summary>
        /// The DuckDB statements for one Athena statement. <paramref name="localPath"/> maps an s3:// URI (the table's
        /// location, a data file a symlink.txt names) to the local file or folder that holds its copy.
        /// </summary>
        public static IReadOnlyList<string> Rewrite(string athenaSql, Func<string, string> localPath)
        {
            var ddl = Ddl.Match(athenaSql);
            if (ddl.Success) return Table(ddl, localPath);
            if (athenaSql.TrimStart().StartsWith("CREATE", StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException("Only the inventory table's CREATE EXTERNAL TABLE is rewritten; this statement is another DDL.");
            string sql = Regex.Replace(athenaSql, @"\burl_decode\(""(?<column>[a-z0-9_]+)""\)", "url_decode(replace(\"${column}\", '+', '%20'))");
            sql = Regex.Replace(sql, @"\bregexp_like\(", "regexp_matches(");
            return new[] { sql };
        }

        private static IReadOnlyList<string> Table(Match ddl, Func<string, string> localPath)
        {
            string db = ddl.Groups["db"].Value, table = ddl.Groups["table"].Value;
            var columns = Column.Matches(ddl.Groups["columns"].Value).Select(m => m.Groups["name"].Value).ToList();
            string hive = localPath(ddl.Groups["location"].Value);
            var partitions = new List<string>();
            foreach (var folder in Directory.GetDirectories(hive, "dt=*").OrderBy(f => f, StringComparer.Ordinal))
            {
                string dt = Path.GetFileName(folder).Substring("dt=".Length);
                var files = File.ReadAllLines(Path.Combine(folder, "symlink.txt")).Where(l => l.Length > 0).Select(localPath).ToList();
                string list = string.Join(", ", files.Select(Literal));
                string types = string.Join(", ", columns.Select(c => $"{Literal(c)}: 'VARCHAR'"));
                partitions.Add($"SELECT *, {Literal(dt)} AS dt FROM read_csv([{list}], header = false, delim = ',', quote = '\"', escape = '\"', " +
                               $"compression = 'gzip', auto_detect = false, columns = {{{types}}})");
            }
            if (partitions.Count == 0) throw new ArgumentException($"No hive/dt=.../symlink.txt under {hive}.");
            return new[]
            {
                $"CREATE SCHEMA IF NOT EXISTS \"{db}\"",
                $"CREATE OR REPLACE VIEW \"{db}\".\"{table}\" AS\n{string.Join("\nUNION ALL\n", partitions)}",
            };
        }

        private static string Literal(string text) => "'" + text.Replace("'", "''") + "'";
    }
}
