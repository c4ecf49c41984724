using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Inventory;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Provisioning;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.Engine.Drift.Athena
{
    /// <summary>What Export-MlDriftQuery needs besides the declared layouts: where the inventory lies and what its rows hold.</summary>
    public sealed class DriftQueryOptions
    {
        /// <summary>The inventory configuration's hive/ folder: s3://destination/prefix/source-bucket/config-id/hive/.</summary>
        public string HiveLocation { get; set; } = "";
        /// <summary>The report's fields in the order of its fileSchema ("Bucket", "Key", "Size", ...).</summary>
        public IReadOnlyList<string> Fields { get; set; } = new List<string>();
        /// <summary>The report to query, as its dt partition (yyyy-MM-dd-HH-mm); null makes the queries take it as the execution parameter '?'.</summary>
        public string? ReportTime { get; set; }
        public string Database { get; set; } = "default";
        /// <summary>The table's name; null names it after the bucket (inventory_my_bucket).</summary>
        public string? Table { get; set; }
    }

    /// <summary>
    /// Writes the object-level drift check of a bucket as Athena SQL over its S3 Inventory reports: the external table
    /// over the configuration's hive/ symlink folders, one query returning the findings the in-process check
    /// (<see cref="ObjectDriftCheck"/> with <see cref="Rules.ObjectRules.All"/>) gives for the same objects, and a census.
    /// Every rule is spelled out as SQL over url_decode(key), with the declared folders as literals, so the query
    /// needs nothing but the inventory. Only functions Athena (Trino) and most SQL engines share are used, so one
    /// documented rewrite (docs/athena.md) runs the same text elsewhere. Nothing here knows PowerShell or talks to AWS.
    /// </summary>
    public static class AthenaDriftQueries
    {
        public const string TableQuery = "inventory-table";
        public const string FindingsQuery = "object-findings";
        public const string CensusQuery = "census";

        private static readonly Regex Identifier = new Regex("^[a-z_][a-z0-9_]{0,127}$", RegexOptions.CultureInvariant);
        private static readonly Regex DtValue = new Regex(@"^\d{4}-\d{2}-\d{2}-\d{2}-\d{2}$", RegexOptions.CultureInvariant);

        /// <summary>Reads the declared layouts of the bucket's solutions (all when null) and writes the queries for them.</summary>
        public static async Task<IReadOnlyList<MlDriftQuery>> ForBucketAsync(IStorageTarget target, IReadOnlyList<string>? solutions, DriftQueryOptions options, CancellationToken cancellation)
        {
            var names = solutions ?? await DriftDetector.DeclaredSolutionsAsync(target, cancellation).ConfigureAwait(false);
            var declarations = await Task.WhenAll(names.Select(s => DeclaredLayout.ReadAsync(target, s, cancellation))).ConfigureAwait(false);
            var layouts = new List<(string, IReadOnlyList<FolderNode>)>();
            for (int i = 0; i < names.Count; i++)
            {
                var declared = declarations[i] ?? throw new MlLayoutException("SolutionNotDeclared", ErrorKind.ObjectNotFound, target.Describe($"solutions/{names[i]}/"),
                    $"Solution '{names[i]}' has no declared layout in this bucket, so there is no contract to write as SQL; provision it with Add-MlSolution first.");
                layouts.Add((declared.Solution, LayoutExpander.Expand(new LayoutRequest(declared.ToTemplate()) { Solution = declared.Solution, Include = declared.Include })));
            }
            return Generate(target.Bucket.Name, layouts, options);
        }

        /// <summary>The three statements for the given solutions' declared folders (their expanded nodes).</summary>
        public static IReadOnlyList<MlDriftQuery> Generate(string bucket, IReadOnlyList<(string Solution, IReadOnlyList<FolderNode> Nodes)> layouts, DriftQueryOptions options)
        {
            string location = options.HiveLocation.EndsWith("/", StringComparison.Ordinal) ? options.HiveLocation : options.HiveLocation + "/";
            if (!location.StartsWith("s3://", StringComparison.Ordinal) || location.Length < 7 || location.IndexOfAny(new[] { '\'', '\\' }) >= 0)
                throw new MlLayoutException("InventoryLocationInvalid", ErrorKind.InvalidArgument, options.HiveLocation,
                    "The inventory location must be the S3 URI of the configuration's hive/ folder (s3://destination/prefix/source-bucket/config-id/hive/), without quotes or backslashes.");
            if (options.ReportTime != null && !DtValue.IsMatch(options.ReportTime))
                throw new MlLayoutException("InventoryReportTimeInvalid", ErrorKind.InvalidArgument, options.ReportTime,
                    "The report time must be the report's dt partition, yyyy-MM-dd-HH-mm (2024-02-01-00-00).");
            var columns = Columns(options.Fields, location);
            string database = options.Database, table = options.Table ?? "inventory_" + Regex.Replace(bucket.ToLowerInvariant(), "[^a-z0-9_]", "_");
            foreach (var (name, value) in new[] { ("-Database", database), ("-TableName", table) })
                if (!Identifier.IsMatch(value))
                    throw new MlLayoutException("AthenaNameInvalid", ErrorKind.InvalidArgument, value,
                        $"'{value}' cannot name an Athena database or table ({name}): use lowercase letters, digits and '_', starting with a letter or '_', at most 128 characters.");

            var folders = layouts.SelectMany(l => Reachable(l.Solution, l.Nodes)).ToList();
            if (folders.Count == 0)
                throw new MlLayoutException("SolutionNotDeclared", ErrorKind.ObjectNotFound, $"s3://{bucket}/solutions/",
                    "The bucket declares no solution, so there is no contract to write as SQL; provision one with Add-MlSolution first.");
            var source = new Source(bucket, database, table, columns, options.ReportTime);
            return new[]
            {
                new MlDriftQuery(TableQuery, $"The external table over the S3 Inventory reports of {bucket} ({location}), partitions projected on dt.", TableDdl(database, table, columns, location, options.ReportTime)),
                new MlDriftQuery(FindingsQuery, $"The object findings of {bucket} (FormatViolation, UnplacedObject, PartitionViolation) in one report, as Get-MlLayoutDrift -Scope Objects gives them.", Findings(source, folders)),
                new MlDriftQuery(CensusQuery, $"Objects and bytes of {bucket} per solution and declared folder" + (columns.Contains("storage_class") ? " and storage class" : "") + " in one report.", Census(source, folders)),
            };
        }

        /// <summary>The Athena column of a fileSchema field: StorageClass -> storage_class, ETag -> e_tag, as the S3 documentation names them.</summary>
        internal static string ColumnOf(string field)
        {
            var text = new StringBuilder();
            for (int i = 0; i < field.Length; i++)
            {
                char c = field[i];
                bool boundary = i > 0 && char.IsUpper(c) && (char.IsLower(field[i - 1]) || char.IsDigit(field[i - 1]) || (i + 1 < field.Length && char.IsLower(field[i + 1])));
                if (boundary) text.Append('_');
                text.Append(char.ToLowerInvariant(c));
            }
            return text.ToString();
        }

        private static List<string> Columns(IReadOnlyList<string> fields, string location)
        {
            var columns = fields.Select(f => ColumnOf(f.Trim())).ToList();
            if (!columns.Contains("key"))
                throw new MlLayoutException("InventoryManifestInvalid", ErrorKind.InvalidData, location,
                    "The report's fields name no Key, so no rule can be written over it; pass the fileSchema of an S3 Inventory manifest.json (Bucket, Key, ...).");
            var bad = columns.FirstOrDefault(c => !Identifier.IsMatch(c));
            if (bad != null || columns.Distinct().Count() != columns.Count)
                throw new MlLayoutException("InventoryManifestInvalid", ErrorKind.InvalidData, location,
                    $"The report's fields cannot be Athena columns ({(bad != null ? $"'{bad}'" : "a field twice")}); pass the fileSchema of an S3 Inventory manifest.json.");
            return columns;
        }

        private static string TableDdl(string database, string table, IReadOnlyList<string> columns, string location, string? reportTime)
        {
            // The layout the S3 documentation gives for CSV reports: every field a string (OpenCSVSerDe reads quoted
            // fields; sizes are cast where used), data files named by the symlink.txt of each hive/dt=.../ folder.
            string start = reportTime != null
                ? DateTime.ParseExact(reportTime, "yyyy-MM-dd-HH-mm", CultureInfo.InvariantCulture).AddYears(-1).ToString("yyyy-MM-dd-HH-mm", CultureInfo.InvariantCulture)
                : "2016-11-01-00-00";
            var sql = new StringBuilder();
            sql.Append("CREATE EXTERNAL TABLE IF NOT EXISTS `").Append(database).Append("`.`").Append(table).Append("` (\n");
            sql.Append(string.Join(",\n", columns.Select(c => $"  `{c}` string"))).Append('\n');
            sql.Append(")\nPARTITIONED BY (dt string)\n");
            sql.Append("ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'\n");
            sql.Append("STORED AS INPUTFORMAT 'org.apache.hadoop.hive.ql.io.SymlinkTextInputFormat'\n");
            sql.Append("OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'\n");
            sql.Append("LOCATION '").Append(location).Append("'\n");
            sql.Append("TBLPROPERTIES (\n");
            sql.Append("  'projection.enabled' = 'true',\n");
            sql.Append("  'projection.dt.type' = 'date',\n");
            sql.Append("  'projection.dt.format' = 'yyyy-MM-dd-HH-mm',\n");
            sql.Append("  'projection.dt.range' = '").Append(start).Append(",NOW',\n");
            sql.Append("  'projection.dt.interval' = '1',\n");
            sql.Append("  'projection.dt.interval.unit' = 'HOURS'\n");
            sql.Append(")");
            return sql.ToString();
        }

        /// <summary>The declared folders of one solution the in-process walk can reach (every prefix between the root and it declared).</summary>
        private static IEnumerable<FolderNode> Reachable(string solution, IReadOnlyList<FolderNode> nodes)
        {
            var folders = nodes.Where(n => n.Solution == solution && (n.Kind == FolderKind.Folder || n.Kind == FolderKind.Solution)).ToList();
            var keys = new HashSet<string>(folders.Select(f => f.Key), StringComparer.Ordinal);
            var root = folders.Single(f => f.Kind == FolderKind.Solution);
            return folders.Where(f =>
            {
                if (!f.Key.StartsWith(root.Key, StringComparison.Ordinal)) return false;
                for (int slash = f.Key.IndexOf('/', root.Key.Length); slash >= 0 && slash < f.Key.Length - 1; slash = f.Key.IndexOf('/', slash + 1))
                    if (!keys.Contains(f.Key.Substring(0, slash + 1))) return false;
                return true;
            });
        }

        private sealed class Source
        {
            public Source(string bucket, string database, string table, IReadOnlyList<string> columns, string? reportTime)
            {
                Bucket = bucket; Database = database; Table = table; Columns = columns; ReportTime = reportTime;
            }
            public string Bucket { get; }
            public string Database { get; }
            public string Table { get; }
            public IReadOnlyList<string> Columns { get; }
            public string? ReportTime { get; }
            public bool Has(string column) => Columns.Contains(column);
        }

        /// <summary>
        /// folders: each declared folder's facts; formats: each folder's accepted formats (contracts that check them);
        /// objects: the report's current objects, key decoded, folder markers left out (as the in-process check does);
        /// placed: each with the deepest declared folder above it. The prefixes of a key (up to the second, third ...
        /// slash) are looked up among the folders by equality, one join per depth the layout has, the deepest found
        /// winning: the in-process walk's answer, since every folder kept is reachable from its solution's root.
        /// </summary>
        private static string Placed(Source source, IReadOnlyList<FolderNode> folders, bool withStorageClass, bool withFormats)
        {
            var sql = new StringBuilder();
            sql.Append("WITH folders (folder_key, solution, takes_files, levels, hive, stage, checks_formats, contract) AS (\n  VALUES\n");
            sql.Append(string.Join(",\n", folders.Select(f =>
                $"    ({Literal(f.Key)}, {Literal(f.Solution)}, {Bool(f.Contract?.Files == true)}, {Levels(f)}, {Bool(f.PartitionStyle == PartitionStyle.Hive)}, " +
                $"{Literal(f.Key.Substring(Root(f).Length))}, {Bool(ChecksFormats(f))}, {(ChecksFormats(f) ? Literal(f.Contract!.ToString()) : "CAST(NULL AS varchar)")})")));
            sql.Append("\n),\n");
            if (withFormats)
            {
                var formats = folders.Where(ChecksFormats).SelectMany(f => f.Contract!.Formats!.Select(x => (f.Key, Format: x.ToLowerInvariant()))).Distinct().ToList();
                sql.Append("formats (folder_key, format) AS (\n  VALUES\n");
                sql.Append(formats.Count == 0 ? "    ('', '')" : string.Join(",\n", formats.Select(x => $"    ({Literal(x.Key)}, {Literal(x.Format)})")));
                sql.Append("\n),\n");
            }
            sql.Append("objects AS (\n");
            sql.Append("  SELECT url_decode(\"key\") AS object_key, ").Append(source.Has("size") ? "TRY_CAST(\"size\" AS bigint)" : "CAST(NULL AS bigint)").Append(" AS object_size");
            if (withStorageClass) sql.Append(", \"storage_class\" AS storage_class");
            sql.Append("\n  FROM \"").Append(source.Database).Append("\".\"").Append(source.Table).Append("\"\n");
            sql.Append("  WHERE dt = ").Append(source.ReportTime != null ? Literal(source.ReportTime) : "?");
            // A listing shows current versions only: a report of all versions is narrowed to them.
            if (source.Has("is_latest")) sql.Append("\n    AND \"is_latest\" = 'true'");
            if (source.Has("is_delete_marker")) sql.Append("\n    AND \"is_delete_marker\" <> 'true'");
            sql.Append("\n),\n");
            var depths = folders.Select(f => f.Key.Count(c => c == '/')).Distinct().OrderBy(d => d).ToList();
            sql.Append("keyed AS (\n  SELECT o.*, length(object_key) - length(replace(object_key, '/', '')) AS slashes\n  FROM objects o\n");
            sql.Append("  WHERE substr(object_key, 1, ").Append((LayoutExpander.SolutionsFolder.Length + 1).ToString(CultureInfo.InvariantCulture)).Append(") = ")
                .Append(Literal(LayoutExpander.SolutionsFolder + "/")).Append("\n    AND NOT (COALESCE(object_size, 0) = 0 AND object_key LIKE '%/')\n),\n");
            sql.Append("placed AS (\n  SELECT k.*, COALESCE(").Append(string.Join(", ", depths.OrderByDescending(d => d).Select(d => $"f{d}.folder_key"))).Append(") AS folder_key\n");
            sql.Append("  FROM keyed k\n");
            foreach (int depth in depths)
                // A pure equality (the prefix is NULL when the key has fewer slashes), so every engine hashes the join.
                sql.Append("  LEFT JOIN folders f").Append(depth).Append(" ON f").Append(depth).Append(".folder_key = (CASE WHEN k.slashes >= ").Append(depth).Append(" THEN ")
                    .Append(string.Join(" || ", Enumerable.Range(1, depth).Select(i => $"split_part(k.object_key, '/', {i}) || '/'"))).Append(" END)\n");
            sql.Append(")");
            return sql.ToString();
        }

        private static string Bool(bool value) => value ? "true" : "false";

        private static bool ChecksFormats(FolderNode folder) => folder.Contract?.Files == true && !folder.Contract.AcceptsAnyFormat;

        private static string Root(FolderNode folder) => $"{LayoutExpander.SolutionsFolder}/{folder.Solution}/";

        private static int Levels(FolderNode folder) => folder.Partition == PartitionGranularity.Daily ? 3 : folder.Partition == PartitionGranularity.Monthly ? 2 : 0;

        /// <summary>
        /// One pass over the report: each placed object's folder facts, date levels, format suffixes and the formats
        /// they match, then one row per rule that has something to say (a cross join with the three rules), so
        /// Athena reads the report once.
        /// </summary>
        private static string Findings(Source source, IReadOnlyList<FolderNode> folders)
        {
            // A format of n parts (.csv.gz: 2) matches a name whose last n dot-suffixes are it.
            int parts = Math.Max(1, folders.Where(ChecksFormats).SelectMany(f => f.Contract!.Formats!).Select(f => f.Count(c => c == '.')).DefaultIfEmpty(1).Max());
            var sql = new StringBuilder();
            sql.Append("-- S3MlLayout object drift of s3://").Append(source.Bucket).Append("/ from its S3 Inventory report ")
                .Append(source.ReportTime != null ? "dt=" + source.ReportTime : "dt=? (the execution parameter)").Append(".\n");
            sql.Append("-- Rules: UnplacedObject, PartitionViolation, FormatViolation, as Get-MlLayoutDrift -Scope Objects applies them (docs/athena.md).\n");
            sql.Append(Placed(source, folders, withStorageClass: false, withFormats: true)).Append(",\n");
            sql.Append("in_folders AS (\n  SELECT p.object_key, f.folder_key, f.solution, f.takes_files, f.levels, f.hive, f.stage, f.checks_formats, f.contract,\n");
            sql.Append("    substr(p.object_key, length(f.folder_key) + 1) AS rest\n");
            sql.Append("  FROM placed p\n  JOIN folders f ON p.folder_key = f.folder_key\n),\n");
            // judged: the objects the in-process check places: directly in their folder, or below it when it is date-partitioned.
            sql.Append("judged AS (\n  SELECT s.*, length(rest) - length(replace(rest, '/', '')) AS depth, regexp_extract(rest, '[^/]*$') AS file_name\n");
            sql.Append("  FROM in_folders s\n  WHERE levels > 0 OR strpos(rest, '/') = 0\n),\n");
            sql.Append("levels_split AS (\n  SELECT j.*,\n");
            sql.Append("    split_part(rest, '/', 1) AS l1, split_part(rest, '/', 2) AS l2, split_part(rest, '/', 3) AS l3,\n");
            sql.Append("    CASE WHEN depth > 0 THEN substr(rest, 1, length(rest) - length(file_name) - 1) END AS date_path,\n");
            sql.Append(string.Join(",\n", Enumerable.Range(1, parts).Select(n => $"    NULLIF(lower(regexp_extract(file_name, '(\\.[^.]*){{{n}}}$')), '') AS s{n}"))).Append('\n');
            sql.Append("  FROM judged j\n),\n");
            sql.Append("levels_read AS (\n  SELECT s.*,\n");
            sql.Append("    CASE WHEN hive THEN substr(l1, 6) ELSE l1 END AS y, CASE WHEN hive THEN substr(l2, 7) ELSE l2 END AS m,\n");
            sql.Append("    CASE WHEN hive THEN substr(l3, 5) ELSE l3 END AS d\n");
            sql.Append("  FROM levels_split s\n),\n");
            sql.Append("checked AS (\n  SELECT r.*,\n");
            sql.Append(DateProblem()).Append(" AS problem,\n");
            sql.Append("    CASE WHEN checks_formats AND NOT (").Append(string.Join(" OR ", Enumerable.Range(1, parts).Select(n => $"(a{n}.format IS NOT NULL AND length(file_name) > length(a{n}.format))")))
                .Append(") THEN\n");
            sql.Append("      CASE\n");
            sql.Append("        WHEN regexp_like(file_name, '^\\.?[^.]*$') THEN 'no extension'\n");
            sql.Append("        WHEN s1 IN (" + string.Join(", ", new[] { ".gz", ".bz2", ".zst", ".xz", ".snappy", ".lz4" }.Select(Literal)) + ")\n");
            sql.Append("          AND length(COALESCE(NULLIF(regexp_extract(file_name, '\\.[^.]*\\.[^.]*$'), ''), file_name)) < length(file_name)\n");
            sql.Append("          THEN lower(regexp_extract(file_name, '\\.[^.]*\\.[^.]*$'))\n");
            sql.Append("        ELSE s1\n");
            sql.Append("      END\n    END AS format\n");
            sql.Append("  FROM levels_read r\n");
            foreach (int n in Enumerable.Range(1, parts))
                sql.Append("  LEFT JOIN formats a").Append(n).Append(" ON a").Append(n).Append(".folder_key = r.folder_key AND a").Append(n).Append(".format = r.s").Append(n).Append('\n');
            sql.Append("),\n");
            sql.Append("findings AS (\n  SELECT\n");
            sql.Append("    CASE rule_no WHEN 1 THEN 'UnplacedObject' WHEN 2 THEN 'PartitionViolation' ELSE 'FormatViolation' END AS category,\n");
            sql.Append("    solution, object_key, folder_key,\n");
            sql.Append("    CASE rule_no\n");
            sql.Append("      WHEN 1 THEN 'files only in folders whose contract accepts them'\n");
            sql.Append("      WHEN 2 THEN (CASE WHEN hive THEN (CASE WHEN levels = 3 THEN 'year=YYYY/month=MM/day=DD' ELSE 'year=YYYY/month=MM' END)\n");
            sql.Append("                   ELSE (CASE WHEN levels = 3 THEN 'YYYY/MM/DD' ELSE 'YYYY/MM' END) END) || '/ under ' || folder_key\n");
            sql.Append("      ELSE contract\n    END AS expected,\n");
            sql.Append("    CASE rule_no\n");
            sql.Append("      WHEN 1 THEN 'a file directly in ' || (CASE WHEN stage = '' THEN 'the solution root' ELSE folder_key END) || ', which holds sub-folders only'\n");
            sql.Append("      WHEN 2 THEN problem\n      ELSE format\n    END AS actual\n");
            sql.Append("  FROM checked\n  CROSS JOIN (VALUES (1), (2), (3)) AS rules (rule_no)\n");
            sql.Append("  WHERE (rule_no = 1 AND NOT takes_files) OR (rule_no = 2 AND problem IS NOT NULL) OR (rule_no = 3 AND format IS NOT NULL)\n)\n");
            sql.Append("SELECT category, ").Append(Literal(source.Bucket)).Append(" AS bucket, solution, object_key AS \"key\", folder_key AS folder, expected, actual,\n");
            sql.Append("  ").Append(Literal("s3://" + source.Bucket + "/")).Append(" || object_key AS uri\n");
            sql.Append("FROM findings\nORDER BY solution, object_key, category");
            return sql.ToString();
        }

        /// <summary>
        /// What is wrong with the date path of an object in a date-partitioned folder that takes files (null when
        /// nothing): the problems, in their order and wording, of PartitionViolationRule and PartitionLevels.
        /// </summary>
        private static string DateProblem()
        {
            var sql = new StringBuilder();
            sql.Append("    CASE WHEN takes_files AND levels > 0 THEN CASE\n");
            sql.Append("      WHEN depth = 0 THEN 'no date path'\n");
            sql.Append(Level("l1", "y", "year=", "four-digit year", "^[0-9]{4}$", "depth >= 1"));
            sql.Append("      WHEN TRY_CAST(y AS integer) < 1900 OR TRY_CAST(y AS integer) > 2999 THEN '''' || l1 || ''' is not a plausible year'\n");
            sql.Append(Level("l2", "m", "month=", "two-digit month", "^[0-9]{2}$", "depth >= 2"));
            sql.Append("      WHEN depth >= 2 AND (TRY_CAST(m AS integer) < 1 OR TRY_CAST(m AS integer) > 12) THEN 'month ' || m || ' does not exist'\n");
            sql.Append(Level("l3", "d", "day=", "two-digit day", "^[0-9]{2}$", "levels = 3 AND depth >= 3"));
            sql.Append("      WHEN levels = 3 AND depth >= 3 AND (TRY_CAST(d AS integer) < 1 OR TRY_CAST(d AS integer) > (CASE\n");
            sql.Append("          WHEN TRY_CAST(m AS integer) = 2 THEN (CASE WHEN (TRY_CAST(y AS integer) % 4 = 0 AND TRY_CAST(y AS integer) % 100 <> 0) OR TRY_CAST(y AS integer) % 400 = 0 THEN 29 ELSE 28 END)\n");
            sql.Append("          WHEN TRY_CAST(m AS integer) IN (4, 6, 9, 11) THEN 30 ELSE 31 END))\n");
            sql.Append("        THEN 'day ' || d || ' does not exist in ' || y || '-' || m\n");
            sql.Append("      WHEN depth < levels THEN '''' || date_path || '/'' stops before the ' || (CASE WHEN depth = 1 THEN 'month' ELSE 'day' END) || ' level'\n");
            sql.Append("    END END");
            return sql.ToString();
        }

        /// <summary>The two checks of one date level: its spelling style (Hive or not), then its digits.</summary>
        private static string Level(string name, string digits, string prefix, string what, string pattern, string reached) =>
            $"      WHEN {reached} AND hive <> (substr({name}, 1, {prefix.Length}) = '{prefix}') THEN (CASE WHEN hive THEN '''' || {name} || ''' is not Hive style ({prefix}...)'\n" +
            $"        ELSE '''' || {name} || ''' is Hive style; the layout declares YYYY/MM/DD' END)\n" +
            $"      WHEN {reached} AND NOT regexp_like({digits}, '{pattern}') THEN '''' || {name} || ''' is not a {what}'\n";

        private static string Census(Source source, IReadOnlyList<FolderNode> folders)
        {
            bool classes = source.Has("storage_class");
            var sql = new StringBuilder();
            sql.Append("-- S3MlLayout census of s3://").Append(source.Bucket).Append("/ from its S3 Inventory report ")
                .Append(source.ReportTime != null ? "dt=" + source.ReportTime : "dt=? (the execution parameter)").Append(":\n");
            sql.Append("-- objects and bytes per solution and declared folder (the deepest one above each object; '' is the solution root)")
                .Append(classes ? " and storage class" : "").Append(".\n");
            sql.Append(Placed(source, folders, classes, withFormats: false)).Append('\n');
            sql.Append("SELECT f.solution, f.stage").Append(classes ? ", p.storage_class" : "").Append(", count(*) AS objects, CAST(sum(COALESCE(p.object_size, 0)) AS bigint) AS bytes\n");
            sql.Append("FROM placed p\nJOIN folders f ON p.folder_key = f.folder_key\n");
            sql.Append("GROUP BY f.solution, f.stage").Append(classes ? ", p.storage_class" : "").Append('\n');
            sql.Append("ORDER BY f.solution, f.stage").Append(classes ? ", p.storage_class" : "");
            return sql.ToString();
        }

        /// <summary>A SQL string literal.</summary>
        internal static string Literal(string text) => "'" + text.Replace("'", "''") + "'";

        /// <summary>
        /// The options a report's manifest gives: its fields, its configuration's hive/ folder (the data files lie in
        /// {prefix}/{source}/{config}/data/, the symlinks in .../hive/) and its dt. CSV reports only: the table of
        /// a Parquet or ORC report takes another SerDe, which this does not write yet.
        /// </summary>
        public static DriftQueryOptions FromManifest(InventoryManifest manifest)
        {
            if (manifest.Format != InventoryFileFormat.Csv)
                throw new MlLayoutException("InventoryFormatNotSupported", ErrorKind.InvalidArgument, manifest.Uri,
                    $"The report is {manifest.Format}; Export-MlDriftQuery writes the table for CSV reports only. Configure the inventory with format CSV, or pass -InventoryLocation and -FileSchema and adapt the table's SerDe by hand.");
            var data = manifest.Files.Select(f => f.Key).FirstOrDefault(k => k.Contains("/data/"));
            if (data == null)
                throw new MlLayoutException("InventoryManifestInvalid", ErrorKind.InvalidData, manifest.Uri,
                    "The manifest names no data file under {prefix}/{source}/{config}/data/, so the configuration's hive/ folder cannot be told; pass -InventoryLocation and -FileSchema instead.");
            return new DriftQueryOptions
            {
                HiveLocation = $"s3://{manifest.DestinationBucket}/{data.Substring(0, data.LastIndexOf("/data/", StringComparison.Ordinal))}/hive/",
                Fields = manifest.Schema.Fields,
                ReportTime = manifest.Created.ToString("yyyy-MM-dd-HH-mm", CultureInfo.InvariantCulture),
            };
        }

        /// <summary>The fields of a fileSchema as a manifest writes it ("Bucket, Key, Size, ...").</summary>
        public static IReadOnlyList<string> FieldsOf(string fileSchema, string uri) => InventorySchema.Parse(fileSchema, uri).Fields;
    }
}
