using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using DuckDB.NET.Data;
using S3MlLayout.Module.Tests.Hosting;
using Xunit;
using static S3MlLayout.Module.Tests.Hosting.ScriptResult;

namespace S3MlLayout.Module.Tests
{
    /// <summary>
    /// Export-MlDriftQuery: the Athena SQL it writes, run in DuckDB (after the documented rewrite) over an S3 Inventory
    /// report of a moto bucket written by shared/tools/s3_inventory_fixture.py, gives exactly the findings of
    /// Get-MlLayoutDrift -Scope Objects on the same bucket: every object rule, awkward keys, spaces as %20 or '+'.
    /// </summary>
    [Collection(S3Collection.Name)]
    [Trait("Category", "S3")]
    public sealed class AthenaQueryTests : IDisposable
    {
        private readonly MotoServer _moto;
        private readonly Xunit.Abstractions.ITestOutputHelper _output;
        private readonly string _company = "q" + Guid.NewGuid().ToString("N").Substring(0, 8);
        private readonly TempDirectory _temp = new TempDirectory();
        private string Bucket => $"{_company}-dev-a001-us-east-1";
        private const string S = "solutions/churn/";
        private const string Connection = "$conn = @{ EndpointUrl = $endpoint; AccessKey = $ak; SecretKey = $sk; ForcePathStyle = $true }\n";
        private const string Awkward = "ünïcødé name %20 + 50%+off %2B";
        private static readonly string[] ObjectCategories = { "FormatViolation", "UnplacedObject", "PartitionViolation" };

        public AthenaQueryTests(MotoServer moto, Xunit.Abstractions.ITestOutputHelper output) { _moto = moto; _output = output; }

        public void Dispose() => _temp.Dispose();

        /// <summary>Every kind of folder the object rules treat apart: YYYY/MM/DD and Hive daily, monthly, files: false, a sub-folder of a dated one.</summary>
        private const string Template = @"name: athena-test
version: 1.0.0
style: kebab-case
folders:
  - name: data
    files: false
    folders:
      - name: raw
        partition: daily
        formats: [csv, json, xlsx, csv.gz]
        folders:
          - archive
      - name: processed
        formats: [parquet]
      - name: events
        partition: daily
        partitionStyle: hive
        formats: [json]
      - name: monthly
        partition: monthly
  - name: models
    formats: [pkl, joblib, onnx]
  - name: docs
    files: false
    folders:
      - guides
";

        /// <summary>Planted objects (relative to the solution) and the findings each must give.</summary>
        private static readonly Dictionary<string, string[]> Planted = new Dictionary<string, string[]>
        {
            ["data/raw/2024/01/05/customers.parquet"] = new[] { "FormatViolation" },
            ["data/raw/2024/01/05/notes.txt"] = new[] { "FormatViolation" },
            ["data/raw/2024/01/05/README"] = new[] { "FormatViolation" },
            ["data/raw/2024/01/05/.hidden"] = new[] { "FormatViolation" },
            ["data/raw/2024/01/05/.csv"] = new[] { "FormatViolation" },
            ["data/raw/2024/01/05/dump.tar.gz"] = new[] { "FormatViolation" },
            ["data/raw/2024/01/05/x.GZ"] = new[] { "FormatViolation" },
            [$"data/raw/2024/01/05/{Awkward}.txt"] = new[] { "FormatViolation" },
            ["data/raw/archive/old.parquet"] = new[] { "FormatViolation" },
            ["data/processed/sales.csv"] = new[] { "FormatViolation" },
            ["data/processed/50%+off.CSV"] = new[] { "FormatViolation" },
            ["data/events/year=2024/month=01/day=05/e.csv"] = new[] { "FormatViolation" },
            ["models/report.html"] = new[] { "FormatViolation" },
            ["stray.csv"] = new[] { "UnplacedObject" },
            ["README.md"] = new[] { "UnplacedObject" },
            ["data/loose.parquet"] = new[] { "UnplacedObject" },
            [$"data/{Awkward}.csv"] = new[] { "UnplacedObject" },
            ["docs/guide.md"] = new[] { "UnplacedObject" },
            ["data/raw/customers.csv"] = new[] { "PartitionViolation" },
            ["data/raw/2024/13/45/a.csv"] = new[] { "PartitionViolation" },
            ["data/raw/2024/1/5/b.csv"] = new[] { "PartitionViolation" },
            ["data/raw/year=2024/month=01/day=05/c.csv"] = new[] { "PartitionViolation" },
            ["data/raw/2024/01/d.csv"] = new[] { "PartitionViolation" },
            ["data/raw/2024-01-05/e.csv"] = new[] { "PartitionViolation" },
            ["data/raw/2024/02/30/f.csv"] = new[] { "PartitionViolation" },
            ["data/raw/1899/01/01/g.csv"] = new[] { "PartitionViolation" },
            ["data/raw/2023/02/29/h.csv"] = new[] { "PartitionViolation" },
            ["data/raw/2024/00/01/i.json"] = new[] { "PartitionViolation" },
            ["data/raw/2024/04/31/j.json"] = new[] { "PartitionViolation" },
            [$"data/raw/2024/01/{Awkward}.csv"] = new[] { "PartitionViolation" },
            ["data/events/2024/01/05/e.json"] = new[] { "PartitionViolation" },
            ["data/events/year=2024/month=1/day=05/e.json"] = new[] { "PartitionViolation" },
            ["data/events/year=2024/e.json"] = new[] { "PartitionViolation" },
            ["data/events/year=2024/month=02/day=30/e.json"] = new[] { "PartitionViolation" },
            ["data/monthly/2024/x.csv"] = new[] { "PartitionViolation" },
            ["data/monthly/2024/13/x.csv"] = new[] { "PartitionViolation" },
            ["data/monthly/x.csv"] = new[] { "PartitionViolation" },
            ["data/raw/2024/02/30/k.parquet"] = new[] { "PartitionViolation", "FormatViolation" },
        };

        private static readonly string[] Valid =
        {
            "data/raw/2024/01/05/customers.csv", "data/raw/2024/02/29/leap.csv", "data/raw/2024/01/05/feed.JSON", "data/raw/2024/01/05/deep/below/x.csv",
            "data/raw/archive/old.csv", "data/processed/part-0.parquet", "data/events/year=2024/month=01/day=05/e.json", "data/monthly/2024/03/report.anything",
            "models/model.pkl", "docs/guides/howto.md", $"data/raw/2024/01/05/{Awkward}.csv", "data/raw/2024/01/05/a+b.csv", "data/raw/2024/01/05/a%2Bb.csv",
            "data/raw/2024/01/05/sp ace.csv", "data/raw/2024/01/05/events.csv.gz", "data/raw/2000/12/31/y2k.xlsx",
            // Below an undeclared prefix of a folder without dates: the folder walk's (Unexpected), never an object finding.
            "data/processed/train/f.parquet", "models/v1/model.csv",
        };

        /// <summary>A finding as both sides give it: everything but SuggestedFix, which the SQL does not write.</summary>
        private static string Line(string? category, string? bucket, string? solution, string? key, string? folder, string? expected, string? actual, string? uri) =>
            string.Join(" | ", category, bucket, solution, key, folder, expected, actual, uri);

        private (string Manifest, string Dir) Report(bool plusSpaces)
        {
            string dir = Path.Combine(_temp.Path, plusSpaces ? "report-plus" : "report");
            var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { FixtureTool(), "--endpoint", _moto.Endpoint, "--source", Bucket, "--to-dir", dir, "--when", "2024-02-01T00-00Z" }
                         .Concat(plusSpaces ? new[] { "--plus-spaces" } : Array.Empty<string>()))
                start.ArgumentList.Add(a);
            start.Environment["AWS_ACCESS_KEY_ID"] = "AKIAMOTOTESTKEY00001";
            start.Environment["AWS_SECRET_ACCESS_KEY"] = "x";
            using var process = Process.Start(start)!;
            string stdout = process.StandardOutput.ReadToEnd(), stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, "the inventory fixture tool failed: " + stderr);
            using var json = JsonDocument.Parse(stdout.Trim().Split('\n').Last());
            return (Path.Combine(dir, json.RootElement.GetProperty("manifest").GetString()!), dir);
        }

        /// <summary>shared/tools/s3_inventory_fixture.py in the nearest shared/ beside or above the repository; missing fails the test.</summary>
        private static string FixtureTool()
        {
            for (var up = new DirectoryInfo(ModuleSession.RepositoryRoot).Parent; up != null; up = up.Parent)
            {
                string candidate = Path.Combine(up.FullName, "shared", "tools", "s3_inventory_fixture.py");
                if (File.Exists(candidate)) return candidate;
            }
            throw new InvalidOperationException($"The inventory fixture tool is missing: no shared/tools/s3_inventory_fixture.py beside {ModuleSession.RepositoryRoot} or above it.");
        }

        /// <summary>Runs the statements in a fresh DuckDB; returns the rows of the last one.</summary>
        private static List<object?[]> RunInDuckDb(IEnumerable<string> athenaStatements, string reportDir)
        {
            string LocalPath(string uri)
            {
                Assert.StartsWith("s3://local/", uri); // the fixture tool's destination when it writes to a directory
                return Path.Combine(reportDir, uri.Substring("s3://local/".Length));
            }
            using var connection = new DuckDBConnection("Data Source=:memory:");
            connection.Open();
            var rows = new List<object?[]>();
            foreach (var statement in athenaStatements.SelectMany(s => AthenaToDuckDb.Rewrite(s, LocalPath)))
            {
                using var command = connection.CreateCommand();
                command.CommandText = statement;
                using var reader = command.ExecuteReader();
                rows.Clear();
                while (reader.Read())
                {
                    var row = new object?[reader.FieldCount];
                    for (int i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
                    rows.Add(row);
                }
            }
            return rows;
        }

        private void Provision()
        {
            string template = Path.Combine(_temp.Path, "athena-test.yaml");
            File.WriteAllText(template, Template);
            ModuleSession.Run(Connection + $"New-MlBucket -CompanyPrefix {_company} -Environment dev -TenantId a001 -Region us-east-1 @conn -WarningAction SilentlyContinue | Add-MlSolution churn -Template $t",
                _moto.Variables(new Dictionary<string, object?> { ["t"] = template })).AssertNoErrors();
            _moto.PutObjects(Bucket, Planted.Keys.Concat(Valid).Select(k => S + k));
        }

        [Fact]
        public void The_generated_SQL_run_in_DuckDB_over_the_report_gives_exactly_the_in_process_findings()
        {
            Provision();
            var vars = _moto.Variables();
            string get = Connection + $"$b = Get-MlBucket {Bucket} @conn\n";
            var inProcess = ModuleSession.Run(get + "$b | Get-MlLayoutDrift -Solution churn -Scope Objects", vars).AssertNoErrors().Output
                .Where(o => ObjectCategories.Contains((string)Prop(o, "Category")!))
                .Select(o => Line((string?)Prop(o, "Category"), (string?)Prop(o, "Bucket"), (string?)Prop(o, "Solution"), (string?)Prop(o, "Key"),
                    (string?)Prop(o, "Folder"), (string?)Prop(o, "Expected"), (string?)Prop(o, "Actual"), (string?)Prop(o, "Uri")))
                .ToList();
            // The in-process check finds exactly what was planted: the comparison below is not between two empty sets.
            var planted = Planted.SelectMany(p => p.Value.Select(c => $"{c} {S}{p.Key}")).OrderBy(x => x, StringComparer.Ordinal).ToList();
            Assert.Equal(planted, inProcess.Select(l => l.Split(" | ")).Select(p => $"{p[0]} {p[3]}").OrderBy(x => x, StringComparer.Ordinal).ToList());
            Assert.Equal(39, inProcess.Count);

            foreach (bool plusSpaces in new[] { false, true })
            {
                var (manifest, dir) = Report(plusSpaces);
                var queries = ModuleSession.Run(get + "$b | Export-MlDriftQuery -InventoryManifest $m -Database drift", _moto.Variables(new Dictionary<string, object?> { ["m"] = manifest }))
                    .AssertNoErrors().Output;
                Assert.Equal(new[] { "inventory-table", "object-findings", "census" }, queries.Select(q => (string)Prop(q, "Name")!));
                Assert.Equal("S3MlLayout.Engine.Drift.Athena.MlDriftQuery", queries[0].BaseObject.GetType().FullName);
                string table = (string)Prop(queries[0], "Sql")!, findings = (string)Prop(queries[1], "Sql")!, census = (string)Prop(queries[2], "Sql")!;
                Assert.Contains("LOCATION 's3://local/inventory/" + Bucket + "/daily/hive/'", table);
                Assert.Contains("'projection.dt.format' = 'yyyy-MM-dd-HH-mm'", table);
                Assert.Contains("WHERE dt = '2024-02-01-00-00'", findings);
                Assert.Contains("url_decode(\"key\")", findings);

                var sqlRows = RunInDuckDb(new[] { table, findings }, dir)
                    .Select(r => Line((string?)r[0], (string?)r[1], (string?)r[2], (string?)r[3], (string?)r[4], (string?)r[5], (string?)r[6], (string?)r[7])).ToList();
                Assert.Equal(sqlRows.Count, sqlRows.Distinct().Count());
                var missing = inProcess.Except(sqlRows).ToList();
                var extra = sqlRows.Except(inProcess).ToList();
                Assert.True(missing.Count == 0 && extra.Count == 0,
                    $"{(plusSpaces ? "'+' spaces" : "%20 spaces")}: missing from SQL:\n{string.Join("\n", missing)}\nextra in SQL:\n{string.Join("\n", extra)}");
                Assert.Equal(inProcess.Count, sqlRows.Count);

                // The census counts every object under the solution (markers left out), 10 bytes each, all STANDARD.
                var censusRows = RunInDuckDb(new[] { table, census }, dir);
                long objects = censusRows.Sum(r => Convert.ToInt64(r[3])), bytes = censusRows.Sum(r => Convert.ToInt64(r[4]));
                Assert.Equal(Planted.Count + Valid.Length, objects);
                Assert.Equal(10L * objects, bytes);
                Assert.All(censusRows, r => Assert.Equal("STANDARD", r[2]));
                Assert.Contains(censusRows, r => (string?)r[1] == "data/raw/" && Convert.ToInt64(r[3]) == Planted.Keys.Concat(Valid).Count(k => k.StartsWith("data/raw/") && !k.StartsWith("data/raw/archive/")));
                _output.WriteLine($"{(plusSpaces ? "+" : "%20")}: {sqlRows.Count} findings from SQL = in-process; census {censusRows.Count} rows, {objects} objects");
            }
        }

        [Fact]
        public void WhatIf_writes_no_file_and_Path_writes_one_sql_file_per_statement_without_overwriting()
        {
            Provision();
            string get = Connection + $"$b = Get-MlBucket {Bucket} @conn\n";
            string folder = Path.Combine(_temp.Path, "athena");
            var vars = _moto.Variables(new Dictionary<string, object?> { ["p"] = folder });
            const string export = "$b | Export-MlDriftQuery -InventoryLocation s3://inv/inventory/src/daily/ -FileSchema 'Bucket, Key, Size' -Path $p";
            ModuleSession.Run(get + export + " -WhatIf", vars).AssertNoErrors();
            Assert.False(Directory.Exists(folder));

            var written = ModuleSession.Run(get + export, vars).AssertNoErrors().Output;
            Assert.Equal(new[] { "census.sql", "inventory-table.sql", "object-findings.sql" }, Directory.GetFiles(folder).Select(Path.GetFileName).OrderBy(f => f, StringComparer.Ordinal));
            foreach (var query in written)
                Assert.Equal((string)Prop(query, "Sql")! + ";\n", File.ReadAllText((string)Prop(query, "Path")!));
            // No dt given and no manifest: the queries take it as the execution parameter.
            Assert.Contains("WHERE dt = ?", File.ReadAllText(Path.Combine(folder, "object-findings.sql")));
            Assert.Contains("LOCATION 's3://inv/inventory/src/daily/hive/'", File.ReadAllText(Path.Combine(folder, "inventory-table.sql")));
            Assert.DoesNotContain("storage_class", File.ReadAllText(Path.Combine(folder, "census.sql")));

            File.WriteAllText(Path.Combine(folder, "census.sql"), "mine");
            var refused = ModuleSession.Run(get + export, vars);
            Assert.Equal("DriftQueryFileExists,S3MlLayout.PowerShell.Commands.ExportMlDriftQueryCommand", refused.Errors.Single().FullyQualifiedErrorId);
            Assert.Equal("mine", File.ReadAllText(Path.Combine(folder, "census.sql")));
            ModuleSession.Run(get + export + " -Force", vars).AssertNoErrors();
            Assert.NotEqual("mine", File.ReadAllText(Path.Combine(folder, "census.sql")));
        }

        [Theory]
        [InlineData("-FileSchema 'Bucket, Key'", "InventoryArgumentsMissing")]
        [InlineData("-InventoryLocation s3://inv/p/src/daily/", "InventoryArgumentsMissing")]
        [InlineData("-InventoryLocation s3://inv/p/src/daily/ -FileSchema 'Bucket, Size'", "InventoryManifestInvalid")]
        [InlineData("-InventoryLocation 'https://inv/p/' -FileSchema 'Bucket, Key'", "InventoryLocationInvalid")]
        [InlineData("-InventoryLocation s3://inv/p/src/daily/ -FileSchema 'Bucket, Key' -TableName 'Bad-Name'", "AthenaNameInvalid")]
        [InlineData("-InventoryLocation s3://inv/p/src/daily/ -FileSchema 'Bucket, Key' -Solution nope", "SolutionNotDeclared")]
        public void Bad_input_gives_a_clear_error_and_writes_nothing(string arguments, string errorId)
        {
            var vars = new Dictionary<string, object?> { ["d"] = _temp.Path, ["p"] = Path.Combine(_temp.Path, "out") };
            ModuleSession.Run("New-MlBucket -Override query-bucket -LocalPath $d | Add-MlSolution churn -Template simple-ml", vars).AssertNoErrors();
            var result = ModuleSession.Run($"Get-MlBucket query-bucket -LocalPath $d | Export-MlDriftQuery {arguments} -Path $p", vars);
            Assert.Equal(errorId, result.Errors.Single().FullyQualifiedErrorId.Split(',')[0]);
            Assert.False(Directory.Exists(Path.Combine(_temp.Path, "out")));
        }

        [Fact]
        public void A_manifest_that_fails_its_checksum_is_refused()
        {
            Provision();
            var (manifest, _) = Report(plusSpaces: false);
            File.AppendAllText(manifest, " ");
            var result = ModuleSession.Run(Connection + $"Get-MlBucket {Bucket} @conn | Export-MlDriftQuery -InventoryManifest $m",
                _moto.Variables(new Dictionary<string, object?> { ["m"] = manifest }));
            Assert.Equal("InventoryChecksumMismatch", result.Errors.Single().FullyQualifiedErrorId.Split(',')[0]);
            Assert.Equal(manifest, result.Errors.Single().TargetObject);
            Assert.Empty(result.Output);
        }

        /// <summary>The rewrite itself: what it changes, what it leaves, and why the url_decode change is needed.</summary>
        [Fact]
        public void The_rewrite_changes_only_the_documented_dialect_differences()
        {
            const string query = "SELECT url_decode(\"key\") AS k FROM t WHERE regexp_like(k, '^a$') AND substr(k, 1, 2) = 'ab'";
            Assert.Equal(new[] { "SELECT url_decode(replace(\"key\", '+', '%20')) AS k FROM t WHERE regexp_matches(k, '^a$') AND substr(k, 1, 2) = 'ab'" },
                AthenaToDuckDb.Rewrite(query, _ => throw new InvalidOperationException("a query maps no path")));
            Assert.Throws<ArgumentException>(() => AthenaToDuckDb.Rewrite("CREATE TABLE x (a int)", p => p));

            // Athena's url_decode (Java's form decoding) makes '+' a space; DuckDB's does not: hence rewrite 2.
            using var connection = new DuckDBConnection("Data Source=:memory:");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT url_decode('a+b%20c%2Bd%C3%A9'), url_decode(replace('a+b%20c%2Bd%C3%A9', '+', '%20'))";
            using var reader = command.ExecuteReader();
            Assert.True(reader.Read());
            Assert.Equal("a+b c+dé", reader.GetString(0));
            Assert.Equal("a b c+dé", reader.GetString(1));

            // The table: a view over the files each hive/dt=.../symlink.txt names, columns in the DDL's order, plus dt.
            string hive = Path.Combine(_temp.Path, "dest", "inv", "hive", "dt=2024-02-01-00-00");
            Directory.CreateDirectory(hive);
            File.WriteAllText(Path.Combine(hive, "symlink.txt"), "s3://dest/inv/data/a.csv.gz\ns3://dest/inv/data/b.csv.gz\n");
            const string ddl = "CREATE EXTERNAL TABLE IF NOT EXISTS `drift`.`inv` (\n  `bucket` string,\n  `key` string\n)\nPARTITIONED BY (dt string)\n" +
                               "ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'\nLOCATION 's3://dest/inv/hive/'\nTBLPROPERTIES ('projection.enabled' = 'true')";
            var view = AthenaToDuckDb.Rewrite(ddl, uri => Path.Combine(_temp.Path, uri.Substring("s3://".Length)));
            Assert.Equal("CREATE SCHEMA IF NOT EXISTS \"drift\"", view[0]);
            Assert.StartsWith("CREATE OR REPLACE VIEW \"drift\".\"inv\" AS\nSELECT *, '2024-02-01-00-00' AS dt FROM read_csv(['", view[1]);
            Assert.Contains(Path.Combine(_temp.Path, "dest", "inv", "data", "b.csv.gz"), view[1]);
            Assert.Contains("columns = {'bucket': 'VARCHAR', 'key': 'VARCHAR'}", view[1]);
        }
    }
}
